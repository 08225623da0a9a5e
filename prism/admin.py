"""The newsroom's admin for PRISM: declarative registrations for every model."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from prism.models import (
    Article,
    ArticleSummary,
    AuditEvent,
    Briefing,
    BriefingItem,
    BriefingRevision,
    BriefingSection,
    GenerationRun,
    ReaderType,
    Subscriber,
)


class NearDuplicateFilter(admin.SimpleListFilter):
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
    fields = [
        "backend",
        "model_name",
        "model_version",
        "text",
        "keywords",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "headline",
        "section",
        "subsection",
        "source",
        "published_at",
        "is_original",
    ]
    list_filter = ["section", "source", NearDuplicateFilter, "published_at"]
    search_fields = ["headline", "body", "byline", "external_id", "url"]
    date_hierarchy = "published_at"
    readonly_fields = ["content_hash", "imported_at", "updated_at", "duplicate_of"]
    raw_id_fields = []
    inlines = [ArticleSummaryInline]
    fieldsets = [
        (
            None,
            {"fields": ["headline", "section", "subsection", "byline", "published_at"]},
        ),
        (_("본문"), {"fields": ["body", "body_raw"]}),
        (
            _("출처"),
            {"fields": ["source", "external_id", "url", "language", "content_hash"]},
        ),
        (_("중복·기록"), {"fields": ["duplicate_of", "imported_at", "updated_at"]}),
    ]

    @admin.display(boolean=True, description=_("원본"))
    def is_original(self, obj: Article) -> bool:
        return obj.duplicate_of_id is None


@admin.register(ReaderType)
class ReaderTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "ordering"]
    list_editable = ["is_active", "ordering"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class BriefingSectionInline(admin.StackedInline):
    model = BriefingSection
    extra = 0
    max_num = 3


class BriefingItemInline(admin.StackedInline):
    model = BriefingItem
    extra = 0
    fields = ["rank", "group", "headline", "summary", "article", "related_articles"]
    raw_id_fields = ["article", "related_articles"]


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reader_type", "edition_date", "status", "human_edited"]
    list_filter = ["status", "reader_type", "edition_date", "human_edited"]
    search_fields = ["headline", "lead", "items__headline", "keywords"]
    date_hierarchy = "edition_date"
    readonly_fields = ["version", "generation_run", "created_at", "updated_at"]
    inlines = [BriefingSectionInline, BriefingItemInline]

    def has_delete_permission(self, request, obj=None):
        # Briefings are never deleted: spike them instead so the record is kept.
        return False


@admin.register(BriefingRevision)
class BriefingRevisionAdmin(admin.ModelAdmin):
    list_display = ["briefing", "number", "kind", "author", "created_at"]
    list_filter = ["kind"]
    readonly_fields = ["briefing", "number", "kind", "content", "author", "provenance"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "briefing", "action", "actor"]
    list_filter = ["action"]
    search_fields = ["comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GenerationRun)
class GenerationRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "edition_date", "status", "attempts", "created_at"]
    list_filter = ["status", "edition_date"]
    readonly_fields = [
        "edition_date",
        "status",
        "progress",
        "attempts",
        "error",
        "requested_by",
        "started_at",
        "finished_at",
    ]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["user", "email_digest", "created_at"]
    list_filter = ["email_digest", "reader_types"]
    search_fields = ["user__username", "user__email"]
    filter_horizontal = ["reader_types"]
