"""The briefing change form's parts: its section and item inlines, and what the
admin reads back from them (the edit payload and the names of changed parts)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from prism.admin.panels import selection_reason_sentence, source_article_context
from prism.models import Briefing, BriefingItem, BriefingSection
from prism.services.workflow import can_edit


class BriefingSectionInline(admin.StackedInline):
    model = BriefingSection
    template = "admin/prism/briefing/part_inline.html"
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["heading", "body"]
    classes = ["prism-sections"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is not None and can_edit(obj, request.user)


class OptionalArticlesField(forms.ModelMultipleChoiceField):
    """관련기사: an empty choice posted by a plain form means "none", not an error."""

    @staticmethod
    def _without_blanks(value):
        if isinstance(value, list | tuple):
            return [v for v in value if str(v).strip()]
        if isinstance(value, str) and not value.strip():
            return []
        return value

    def clean(self, value):
        return super().clean(self._without_blanks(value))

    def has_changed(self, initial, data):
        return super().has_changed(initial, self._without_blanks(data))


class BriefingItemInline(admin.StackedInline):
    model = BriefingItem
    template = "admin/prism/briefing/part_inline.html"
    extra = 0
    max_num = 0
    can_delete = False
    fieldsets = [
        (None, {"fields": ["headline", "summary", "related_articles", "why"]}),
        (_("원문 기사"), {"fields": ["source_article"]}),
    ]
    readonly_fields = ["source_article", "why"]
    autocomplete_fields = ["related_articles"]
    classes = ["prism-items"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is not None and can_edit(obj, request.user)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article", "briefing__reader_type")
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "related_articles" and field is not None:
            field.__class__ = OptionalArticlesField
        return field

    @admin.display(description=_("원문 기사"))
    def source_article(self, item: BriefingItem):
        return render_to_string(
            "admin/prism/briefing/source_article.html", source_article_context(item)
        )

    @admin.display(description=_("선정 이유"))
    def why(self, item: BriefingItem):
        return (
            selection_reason_sentence(item.selection_reason, item.briefing.reader_type)
            or "기록된 선정 이유가 없습니다."
        )


def edit_data_from_forms(form, formsets) -> dict:
    """The workflow service's edit payload from the admin's validated forms."""
    data: dict = {
        name: form.cleaned_data[name]
        for name in Briefing.EDITABLE_FIELDS
        if name in form.cleaned_data
    }
    for formset in formsets:
        if formset.model is BriefingSection:
            data["sections"] = [
                {
                    "position": f.instance.position,
                    "heading": f.cleaned_data.get("heading", f.instance.heading),
                    "body": f.cleaned_data.get("body", f.instance.body),
                }
                for f in formset.forms
                if f.instance.pk
            ]
        elif formset.model is BriefingItem:
            items = []
            for f in formset.forms:
                if not f.instance.pk:
                    continue
                entry = {"rank": f.instance.rank}
                for name in ("headline", "summary"):
                    if name in f.cleaned_data:
                        entry[name] = f.cleaned_data[name]
                if "related_articles" in f.cleaned_data:
                    entry["related_article_ids"] = [
                        a.pk for a in f.cleaned_data["related_articles"]
                    ]
                items.append(entry)
            data["items"] = items
    return data


def changed_parts(form, formsets) -> list[str]:
    """What the person changed on the form, as part names (``item1.summary``)."""
    parts = [name for name in form.changed_data if name != "base_version"]
    for formset in formsets:
        for inline_form in formset.forms:
            for name in inline_form.changed_data:
                instance = inline_form.instance
                if formset.model is BriefingItem:
                    parts.append(f"item{instance.rank}.{name}")
                else:
                    parts.append(f"section{instance.position}.{name}")
    return parts
