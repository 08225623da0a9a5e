"""The newsroom's admin for PRISM: declarative registrations for every model.

Briefings get the editorial workflow: every save and every button goes through
``prism.services.workflow`` (which checks permissions and versions itself); the
extra pages live in ``prism.admin_views``.
"""

import json
from functools import partial, update_wrapper

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from prism import admin_views
from prism.admin_views import (
    edit_data_from_forms,
    history_context,
    selection_reason_rows,
    source_article_context,
    status_counts,
    workflow_context,
)
from prism.conf import prism_settings
from prism.ingest import content_hash
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
    ShareLink,
    Subscriber,
)
from prism.services.articles import after_import
from prism.services.audit import action_label, admin_log
from prism.services.share_links import share_link_is_active, share_link_revoke
from prism.services.workflow import (
    WorkflowError,
    briefing_correct,
    briefing_save_edit,
    can_edit,
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


class ArticleAdminForm(forms.ModelForm):
    # Links typed without a scheme are news sites: https (Django 6's default too).
    url = forms.URLField(
        label=Article._meta.get_field("url").verbose_name,
        max_length=500,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Article
        fields = [
            "headline", "section", "subsection", "byline", "published_at",
            "body", "body_raw", "source", "external_id", "url", "language",
        ]  # fmt: skip

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        taken = (
            Article.objects.filter(content_hash=content_hash(body))
            .exclude(pk=self.instance.pk)
            .first()
        )
        if taken is not None:
            raise forms.ValidationError(
                _("같은 본문의 기사가 이미 있습니다: %(headline)s (#%(pk)s)"),
                params={"headline": taken.headline, "pk": taken.pk},
                code="duplicate_body",
            )
        return body


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
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

    def save_model(self, request, obj, form, change):
        if not change or "body" in form.changed_data:
            obj.content_hash = content_hash(obj.body)
        super().save_model(request, obj, form, change)
        if not change or {"body", "headline"} & set(form.changed_data):
            # A corrected text gets a new 핵심 요약 and index, as after an import.
            transaction.on_commit(partial(after_import, [obj.pk]))


@admin.register(ReaderType)
class ReaderTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "ordering"]
    list_editable = ["is_active", "ordering"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class KeywordsField(forms.CharField):
    """The five keywords as one comma-separated line instead of raw JSON."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, list):
            return value
        return [part.strip() for part in (value or "").split(",") if part.strip()]

    def has_changed(self, initial, data):
        return self.to_python(self.prepare_value(initial) or "") != self.to_python(data)


class BriefingAdminForm(forms.ModelForm):
    """The briefing's own fields plus the version the editor started from."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=True)
    keywords = KeywordsField(
        label=_("키워드 TOP 5"),
        required=False,
        help_text=_("쉼표로 구분한 다섯 개의 키워드(브랜드 태그는 자동으로 붙습니다)"),
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
    )

    class Meta:
        model = Briefing
        fields = [
            "headline",
            "header_line",
            "editors_note",
            "lead",
            "keywords",
            "footer",
            "correction_note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["base_version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        base_version = cleaned.get("base_version")
        # Lock the row for the rest of the admin's save transaction, so the version
        # compared here is still the current one when the edit is written.
        current = (
            Briefing.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if base_version is not None and current is not None and base_version != current:
            diff_url = (
                reverse("admin:prism_briefing_diff", args=[self.instance.pk])
                + f"?a=v{base_version}&b=current"
            )
            raise forms.ValidationError(
                format_html(
                    "다른 사람이 먼저 저장했습니다(편집 시작 버전 v{}, 현재 버전 v{}). "
                    "저장하지 않았습니다. <a href='{}'>바뀐 내용 비교</a> 후 "
                    "새로고침해서 다시 편집하세요.",
                    base_version,
                    current,
                    diff_url,
                ),
                code="edit_conflict",
            )
        if self.instance.status == Briefing.Status.PUBLISHED:
            self._clean_correction(cleaned)
        return cleaned

    def _clean_correction(self, cleaned) -> None:
        """A correction goes live at once: check the publish guards on the form."""
        if not (cleaned.get("correction_note") or "").strip():
            self.add_error(
                "correction_note",
                _("발행된 브리핑을 고치려면 독자에게 보일 정정 안내를 입력하세요."),
            )
        if "footer" in cleaned and cleaned["footer"].strip() != prism_settings.footer:
            self.add_error(
                "footer", f"저작권 문구는 ‘{prism_settings.footer}’이어야 합니다."
            )
        wanted = int(prism_settings.KEYWORDS_PER_BRIEFING)
        if "keywords" in cleaned and len(cleaned["keywords"]) != wanted:
            self.add_error("keywords", f"키워드는 {wanted}개여야 합니다.")
        if "editors_note" in cleaned and not cleaned["editors_note"].strip():
            self.add_error("editors_note", "편집자 주가 없습니다.")


class BriefingSectionInline(admin.StackedInline):
    model = BriefingSection
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["position", "heading", "body"]
    readonly_fields = ["position"]
    classes = ["prism-sections"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is not None and can_edit(obj, request.user)


class BriefingItemInline(admin.StackedInline):
    model = BriefingItem
    extra = 0
    max_num = 0
    can_delete = False
    fields = [
        "rank",
        "group",
        "headline",
        "summary",
        "related_articles",
        "source_article",
        "selection_reason_display",
    ]
    readonly_fields = ["rank", "source_article", "selection_reason_display"]
    raw_id_fields = ["related_articles"]
    classes = ["prism-items"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is not None and can_edit(obj, request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    @admin.display(description=_("원문 기사"))
    def source_article(self, item: BriefingItem):
        return render_to_string(
            "admin/prism/briefing/source_article.html", source_article_context(item)
        )

    @admin.display(description=_("선정 이유"))
    def selection_reason_display(self, item: BriefingItem):
        return render_to_string(
            "admin/prism/briefing/selection_reason.html",
            {"rows": selection_reason_rows(item.selection_reason)},
        )


class EditedFilter(admin.SimpleListFilter):
    title = _("사람 수정 여부")
    parameter_name = "edited"

    def lookups(self, request, model_admin):
        return [("yes", _("사람이 수정함")), ("no", _("AI 초안 그대로"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(human_edited=True)
        if self.value() == "no":
            return queryset.filter(human_edited=False)
        return queryset


STATUS_RANK = {
    Briefing.Status.IN_REVIEW: 0,
    Briefing.Status.DRAFT: 1,
    Briefing.Status.APPROVED: 2,
    Briefing.Status.SCHEDULED: 3,
    Briefing.Status.PUBLISHED: 4,
    Briefing.Status.UNPUBLISHED: 5,
    Briefing.Status.SPIKED: 6,
}


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    form = BriefingAdminForm
    change_form_template = "admin/prism/briefing/change_form.html"
    change_list_template = "admin/prism/briefing/change_list.html"
    object_history_template = "admin/prism/briefing/object_history.html"
    list_display = [
        "title_display",
        "reader_type",
        "edition_date",
        "status_display",
        "human_edited",
        "version",
        "publish_at",
        "tools",
    ]
    list_display_links = ["title_display"]
    list_filter = ["status", "reader_type", "edition_date", EditedFilter]
    search_fields = ["headline", "keywords"]
    search_help_text = _("제목·리드·기사 제목·키워드로 찾습니다.")
    date_hierarchy = "edition_date"
    list_select_related = ["reader_type"]
    inlines = [BriefingSectionInline, BriefingItemInline]
    save_on_top = True
    # The change form links the public page itself, and only once it is published.
    view_on_site = False
    fieldsets = [
        (
            _("브리핑"),
            {
                "fields": [
                    "headline",
                    "header_line",
                    "editors_note",
                    "lead",
                    "keywords",
                    "footer",
                ]
            },
        ),
        (_("정정"), {"fields": ["correction_note"]}),
        (
            _("상태"),
            {
                "fields": [
                    ("reader_type", "edition_date"),
                    ("status", "version", "approved_version", "human_edited"),
                    ("publish_at", "published_at", "live_revision"),
                ]
            },
        ),
        (
            _("생성 정보"),
            {
                "classes": ["collapse"],
                "fields": [
                    "generation_run",
                    "generation_notes",
                    ("created_at", "updated_at"),
                ],
            },
        ),
    ]
    # Workflow fields change only through transitions, never through the form.
    workflow_readonly = [
        "reader_type",
        "edition_date",
        "status",
        "version",
        "approved_version",
        "human_edited",
        "publish_at",
        "published_at",
        "live_revision",
        "generation_run",
        "generation_notes",
        "created_at",
        "updated_at",
    ]

    # --- permissions ----------------------------------------------------------

    def has_add_permission(self, request):
        # Briefings come from the generator; people edit them, never create them.
        return False

    def has_delete_permission(self, request, obj=None):
        # Briefings are never deleted: spike them instead so the record is kept.
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return can_edit(obj, request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.workflow_readonly)
        if obj is None or obj.status != Briefing.Status.PUBLISHED:
            readonly.append("correction_note")
        return readonly

    # --- changelist -------------------------------------------------------------

    def get_ordering(self, request):
        # Today's queue first, then newest editions; within a day, what needs a
        # person now (in review, drafts) before what is done.
        today = timezone.localdate()
        queue = Case(
            When(edition_date=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        status_rank = Case(
            *[When(status=s, then=Value(r)) for s, r in STATUS_RANK.items()],
            default=Value(9),
            output_field=IntegerField(),
        )
        return [
            queue.asc(),
            F("edition_date").desc(),
            status_rank.asc(),
            "reader_type__ordering",
        ]

    def get_search_results(self, request, queryset, search_term):
        terms = [t for t in search_term.split() if t]
        if not terms:
            return queryset, False
        condition = Q()
        for term in terms:
            # Keywords are JSON; some databases store non-ASCII text \u-escaped.
            escaped = json.dumps(term)[1:-1]
            condition &= (
                Q(headline__icontains=term)
                | Q(lead__icontains=term)
                | Q(items__headline__icontains=term)
                | Q(keywords__icontains=term)
                | Q(keywords__icontains=escaped)
            )
        return queryset.filter(condition), True

    @admin.display(description=_("브리핑"), ordering="edition_date")
    def title_display(self, obj: Briefing):
        return obj.headline or str(obj)

    @admin.display(description=_("상태"), ordering="status")
    def status_display(self, obj: Briefing):
        return format_html(
            '<span class="prism-status prism-status-{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description=_("바로 가기"))
    def tools(self, obj: Briefing):
        return format_html(
            '<a href="{}">미리보기</a> · <a href="{}">AI 원본과 비교</a> · '
            '<a href="{}">기록</a>',
            reverse("admin:prism_briefing_preview", args=[obj.pk]),
            reverse("admin:prism_briefing_diff", args=[obj.pk])
            + "?a=original&b=current",
            reverse("admin:prism_briefing_history", args=[obj.pk]),
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {
            "status_counts": status_counts(self.get_queryset(request)),
            "today": timezone.localdate(),
            "metrics_url": reverse("admin:prism_briefing_metrics"),
        }
        return super().changelist_view(request, extra_context)

    # --- change form ------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_or_change_permission(request, obj):
            extra_context = (extra_context or {}) | workflow_context(request, obj)
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except WorkflowError as error:
            # Reached only if a concurrent change slipped past the form's own check;
            # the admin's transaction has been rolled back, nothing was saved.
            messages.error(request, str(error))
            return redirect("admin:prism_briefing_change", object_id)

    def save_model(self, request, obj, form, change):
        # Written by save_related through the workflow service, in one step.
        pass

    def save_related(self, request, form, formsets, change):
        data = edit_data_from_forms(form, formsets)
        briefing = form.instance
        if briefing.status == Briefing.Status.PUBLISHED:
            briefing_correct(
                briefing=briefing,
                user=request.user,
                data=data,
                base_version=form.cleaned_data["base_version"],
                correction_note=form.cleaned_data.get("correction_note") or "",
            )
            messages.info(
                request, "정정을 발행했습니다. 독자에게 정정 안내가 보입니다."
            )
            return
        before = briefing.status
        briefing_save_edit(
            briefing=briefing,
            user=request.user,
            data=data,
            base_version=form.cleaned_data["base_version"],
        )
        if before != briefing.status:
            messages.warning(
                request,
                "승인 후 내용이 바뀌어 다시 ‘검토 중’ 상태가 되었습니다. "
                "다시 승인을 받아야 발행할 수 있습니다.",
            )

    def construct_change_message(self, request, form, formsets, add=False):
        parts = [str(form.fields[name].label) for name in form.changed_data]
        for formset in formsets:
            for inline_form in formset.forms:
                if inline_form.has_changed():
                    parts.append(str(inline_form.instance))
        return [{"changed": {"fields": parts}}] if parts else []

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_or_change_permission(request, obj):
            extra_context = (extra_context or {}) | history_context(request, obj)
        return super().history_view(request, object_id, extra_context)

    def get_urls(self):
        def wrap(view, **kwargs):
            return self.admin_site.admin_view(
                update_wrapper(partial(view, model_admin=self, **kwargs), view)
            )

        return [
            path(
                "<path:object_id>/transition/<slug:action>/",
                wrap(admin_views.briefing_transition_view),
                name="prism_briefing_transition",
            ),
            path(
                "<path:object_id>/preview/",
                wrap(admin_views.briefing_preview_view),
                name="prism_briefing_preview",
            ),
            path(
                "<path:object_id>/diff/",
                wrap(admin_views.briefing_diff_view),
                name="prism_briefing_diff",
            ),
            path(
                "<path:object_id>/revisions/<int:number>/restore/",
                wrap(admin_views.revision_restore_view),
                name="prism_briefing_restore_revision",
            ),
            path(
                "<path:object_id>/share/",
                wrap(admin_views.share_link_create_view),
                name="prism_briefing_share",
            ),
            path(
                "share-links/<int:link_id>/revoke/",
                wrap(admin_views.share_link_revoke_view),
                name="prism_sharelink_revoke",
            ),
            path(
                "edit-metrics/",
                wrap(admin_views.edit_metrics_view),
                name="prism_briefing_metrics",
            ),
            # Outside reviewers have no account: the signed token is the permission.
            path(
                "shared/<str:token>/",
                admin_views.shared_preview_view,
                name="prism_briefing_shared",
            ),
            *super().get_urls(),
        ]


@admin.register(BriefingRevision)
class BriefingRevisionAdmin(admin.ModelAdmin):
    list_display = ["briefing", "number", "kind", "author", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["briefing__reader_type", "author"]
    fields = [
        "briefing",
        "number",
        "kind",
        "author",
        "provenance",
        "comment",
        "content",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Revisions are the record: they are never edited, only restored from.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "briefing", "action_display", "actor", "comment"]
    list_filter = ["action"]
    list_select_related = ["briefing__reader_type", "actor"]
    search_fields = ["comment", "action"]
    date_hierarchy = "created_at"

    @admin.display(description=_("동작"), ordering="action")
    def action_display(self, event: AuditEvent) -> str:
        return f"{action_label(event.action)} ({event.action})"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = [
        "briefing",
        "revision",
        "created_by",
        "expires_at",
        "revoked_at",
        "is_active",
    ]
    list_select_related = ["briefing__reader_type", "revision", "created_by"]
    readonly_fields = [
        "briefing",
        "revision",
        "created_by",
        "expires_at",
        "revoked_at",
        "created_at",
    ]
    actions = ["revoke_links"]

    def has_add_permission(self, request):
        # Links are made from a briefing's history page, for one revision.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("prism.change_sharelink")

    @admin.display(boolean=True, description=_("사용 가능"))
    def is_active(self, link: ShareLink) -> bool:
        return share_link_is_active(link)

    @admin.action(permissions=["revoke"], description=_("선택한 공유 링크 취소"))
    def revoke_links(self, request, queryset):
        for link in queryset.select_related("briefing"):
            share_link_revoke(link=link, user=request.user)
            admin_log(
                user=request.user, briefing=link.briefing, message="공유 링크 취소"
            )
        self.message_user(request, f"공유 링크 {queryset.count()}개를 취소했습니다.")


@admin.register(GenerationRun)
class GenerationRunAdmin(admin.ModelAdmin):
    """Generation runs: read-only; a failed run shows its error in the list."""

    list_display = [
        "__str__",
        "edition_date",
        "status",
        "reader_type_count",
        "attempts",
        "duration",
        "created_at",
        "error_summary",
    ]
    list_filter = ["status", "edition_date", "created_at"]
    date_hierarchy = "edition_date"
    search_fields = ["error"]
    fields = [
        "edition_date",
        "status",
        "attempts",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "progress_table",
        "error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("독자 유형 수"))
    def reader_type_count(self, obj: GenerationRun) -> int:
        return len(obj.progress or {})

    @admin.display(description=_("소요 시간"))
    def duration(self, obj: GenerationRun) -> str:
        if not (obj.started_at and obj.finished_at):
            return "-"
        return f"{(obj.finished_at - obj.started_at).total_seconds():.1f}초"

    @admin.display(description=_("오류"))
    def error_summary(self, obj: GenerationRun) -> str:
        first = (obj.error or "").strip().splitlines()[:1]
        return first[0][:120] if first else ""

    @admin.display(description=_("진행 상황"))
    def progress_table(self, obj: GenerationRun):
        from django.utils.html import format_html_join

        labels = dict(GenerationRun.Status.choices)
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    entry.get("name", slug),
                    labels.get(entry.get("status"), entry.get("status")),
                    entry.get("attempts", 0),
                    f"{entry['seconds']}초" if entry.get("seconds") is not None else "",
                    f"#{entry['briefing_id']}" if entry.get("briefing_id") else "",
                    entry.get("reason") or (entry.get("error") or "")[:300],
                )
                for slug, entry in (obj.progress or {}).items()
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("독자 유형"),
            _("상태"),
            _("시도"),
            _("시간"),
            _("브리핑"),
            _("사유·오류"),
            rows,
        )


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["user", "email_digest", "created_at"]
    list_filter = ["email_digest", "reader_types"]
    search_fields = ["user__username", "user__email"]
    filter_horizontal = ["reader_types"]
