"""List filters whose titles read as plain Korean words.

Django's own template says "By <title>", which its Korean translation turns into
"상태 (으)로"; these use ``admin/prism/filter.html`` with the bare title.
"""

from __future__ import annotations

from django.contrib import admin

TEMPLATE = "admin/prism/filter.html"


class ChoicesFilter(admin.ChoicesFieldListFilter):
    template = TEMPLATE


class RelatedFilter(admin.RelatedFieldListFilter):
    template = TEMPLATE


class DateFilter(admin.DateFieldListFilter):
    template = TEMPLATE


class AllValuesFilter(admin.AllValuesFieldListFilter):
    template = TEMPLATE


class BooleanFilter(admin.BooleanFieldListFilter):
    template = TEMPLATE


class SimpleFilter(admin.SimpleListFilter):
    template = TEMPLATE
