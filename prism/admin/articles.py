"""Articles (with their summaries) and reader types."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from prism.admin.errors import KoreanErrorPagesMixin
from prism.admin.filters import (
    AllValuesFilter,
    BooleanFilter,
    ChoicesFilter,
    DateFilter,
    SimpleFilter,
)
from prism.admin.forms import ArticleAdminForm
from prism.models import Article, ArticleSummary, ReaderType
from prism.services.articles import article_update


class NearDuplicateFilter(SimpleFilter):
    title = _("유사 중복")
    parameter_name = "near_duplicate"

    def lookups(self, request, model_admin):
        return [("yes", _("유사 중복")), ("no", _("원본"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(duplicate_of__isnull=False)
        if self.value() == "no":
            return queryset.filter(duplicate_of__isnull=True)
        return queryset


class ArticleSummaryInline(admin.StackedInline):
    model = ArticleSummary
    extra = 0
    can_delete = False
    fields = ["backend", "model_name", "model_version", "text", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(KoreanErrorPagesMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    # Links typed without a scheme are news sites: https (Django 6's default too).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "headline",
        "kind",
        "section",
        "source",
        "published_at",
        "is_original",
    ]
    list_editable = ["kind"]
    list_filter = [
        ("kind", ChoicesFilter),
        ("section", AllValuesFilter),
        ("source", AllValuesFilter),
        NearDuplicateFilter,
        ("published_at", DateFilter),
    ]
    search_fields = ["headline", "body", "byline", "external_id", "url"]
    date_hierarchy = "published_at"
    readonly_fields = [
        "content_hash",
        "imported_at",
        "updated_at",
        "duplicate_of",
        "kind_confirmed",
        "published_at_estimated",
    ]
    inlines = [ArticleSummaryInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    ("kind", "kind_confirmed"),
                    "section",
                    "subsection",
                    "byline",
                    ("published_at", "published_at_estimated"),
                ]
            },
        ),
        (_("본문"), {"fields": ["body", "body_raw"]}),
        (
            _("출처"),
            {"fields": ["source", "external_id", "url", "language", "content_hash"]},
        ),
        (_("중복·기록"), {"fields": ["duplicate_of", "imported_at", "updated_at"]}),
    ]

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {"title": "기사"}
        return super().changelist_view(request, extra_context)

    @admin.display(boolean=True, description=_("원본"))
    def is_original(self, obj: Article) -> bool:
        return obj.duplicate_of_id is None

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        article_update(article=obj, user=request.user)


@admin.register(ReaderType)
class ReaderTypeAdmin(KoreanErrorPagesMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "allow_opinion", "is_active", "ordering"]
    list_editable = ["allow_opinion", "is_active", "ordering"]
    list_filter = [("is_active", BooleanFilter), ("allow_opinion", BooleanFilter)]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {"title": "독자 유형"}
        return super().changelist_view(request, extra_context)
