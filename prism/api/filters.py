"""Query-string filters of the API lists (django-filter)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField, RangeField
from django_filters.widgets import DateRangeWidget

from prism.models import Article, Briefing


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, moved to UTC: databases refuse odd offsets (PostgreSQL
    accepts ±15:59 at most, Python ±23:59), and times near year 1 that do not exist
    in UTC are invalid input, not server errors."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is None or result.tzinfo is None:
            return result
        try:
            return result.astimezone(dt.UTC)
        except OverflowError:
            message = self.error_messages["invalid"]
            raise ValidationError(message, code="invalid") from None


class UtcIsoDateTimeRangeField(RangeField):
    widget = DateRangeWidget  # ?published_at_after=…&published_at_before=…

    def __init__(self, *args, **kwargs) -> None:
        fields = (UtcIsoDateTimeField(), UtcIsoDateTimeField())
        super().__init__(fields, *args, **kwargs)


class UtcIsoDateTimeFromToRangeFilter(filters.IsoDateTimeFromToRangeFilter):
    field_class = UtcIsoDateTimeRangeField


class BriefingFilter(filters.FilterSet):
    reader_type = filters.CharFilter(
        field_name="reader_type__slug", help_text="독자 유형 슬러그"
    )
    edition_date = filters.DateFromToRangeFilter(
        help_text="발행일 범위: edition_date_after, edition_date_before (YYYY-MM-DD)"
    )
    status = filters.ChoiceFilter(choices=Briefing.Status.choices)

    class Meta:
        model = Briefing
        fields = ["reader_type", "edition_date", "status"]


class ArticleFilter(filters.FilterSet):
    published_at = UtcIsoDateTimeFromToRangeFilter(
        help_text="발행 시각 범위: published_at_after, published_at_before (ISO 8601)"
    )
    near_duplicate = filters.BooleanFilter(
        field_name="duplicate_of", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Article
        fields = ["source", "section", "published_at", "near_duplicate"]
