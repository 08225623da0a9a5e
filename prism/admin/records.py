"""The record: revisions, audit events, share links, generation runs, subscribers.

All but subscribers are read-only in the admin (``ReadOnlyAdminMixin``): they are
written by the services and only ever looked at here.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from prism.admin.errors import KoreanErrorPagesMixin, ReadOnlyAdminMixin
from prism.admin.filters import ChoicesFilter, DateFilter
from prism.admin.panels import audit_sentence, provenance_sentence
from prism.models import (
    AuditEvent,
    BriefingRevision,
    GenerationRun,
    ShareLink,
    Subscriber,
)
from prism.services.audit import admin_log
from prism.services.share_links import share_link_is_active, share_link_revoke


class TitledChangelistMixin:
    """A plain Korean page title instead of Django's "Select … to change"."""

    changelist_title = ""

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {
            "title": self.changelist_title or self.opts.verbose_name_plural
        }
        return super().changelist_view(request, extra_context)


@admin.register(BriefingRevision)
class BriefingRevisionAdmin(
    TitledChangelistMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    changelist_title = "브리핑 리비전"
    list_display = [
        "briefing",
        "number",
        "kind",
        "author",
        "provenance_text",
        "created_at",
    ]
    list_filter = ["kind"]
    list_select_related = ["briefing__reader_type", "author"]
    fields = ["briefing", "number", "kind", "author", "provenance_text", "comment"]
    readonly_fields = fields

    @admin.display(description=_("출처 정보"))
    def provenance_text(self, revision: BriefingRevision) -> str:
        return provenance_sentence(revision.provenance) or "-"


@admin.register(AuditEvent)
class AuditEventAdmin(TitledChangelistMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    changelist_title = "감사 기록"
    list_display = ["created_at", "briefing", "what", "actor", "comment"]
    list_filter = ["action"]
    list_select_related = ["briefing__reader_type", "actor"]
    search_fields = ["comment", "action"]
    date_hierarchy = "created_at"
    fields = ["created_at", "briefing", "what", "actor", "revision", "comment"]
    readonly_fields = fields

    @admin.display(description=_("동작"), ordering="action")
    def what(self, event: AuditEvent) -> str:
        return audit_sentence(event)


@admin.register(ShareLink)
class ShareLinkAdmin(TitledChangelistMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    changelist_title = "외부 검토 공유 링크"
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
                user=request.user,
                briefing=link.briefing,
                message="공유 링크를 취소했습니다.",
            )
        self.message_user(request, f"공유 링크 {queryset.count()}개를 취소했습니다.")


@admin.register(GenerationRun)
class GenerationRunAdmin(TitledChangelistMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Generation runs: read-only; a failed run shows its error in the list."""

    changelist_title = "생성 작업"
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
    list_filter = [
        ("status", ChoicesFilter),
        ("edition_date", DateFilter),
        ("created_at", DateFilter),
    ]
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
        "composer_usage_table",
        "error",
    ]
    readonly_fields = fields

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

    @admin.display(description=_("AI 작성기 사용량"))
    def composer_usage_table(self, obj: GenerationRun):
        from prism.services.composer_records import composer_usage_rows

        rows = composer_usage_rows(obj)
        if not rows:
            return "AI 작성기를 쓰지 않았습니다."
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}초</td><td>{}</td></tr>",
            (
                (
                    row["label"],
                    int(row.get("requests", 0)),
                    int(row.get("tokens_in", 0)),
                    int(row.get("tokens_out", 0)),
                    row.get("seconds", 0),
                    int(row.get("fallbacks", 0)),
                )
                for row in rows
            ),
        )
        return format_html(
            "<table><thead><tr><th>독자 유형</th><th>요청</th><th>입력 토큰</th>"
            "<th>출력 토큰</th><th>시간</th><th>추출 대체</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            body,
        )

    @admin.display(description=_("진행 상황"))
    def progress_table(self, obj: GenerationRun):
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
class SubscriberAdmin(TitledChangelistMixin, KoreanErrorPagesMixin, admin.ModelAdmin):
    changelist_title = "구독자"
    list_display = ["user", "email_digest", "privacy_consent_at", "created_at"]
    list_filter = ["email_digest", "reader_types"]
    search_fields = ["user__username", "user__email"]
    filter_horizontal = ["reader_types"]
    readonly_fields = ["privacy_consent_at", "privacy_consent_version"]
