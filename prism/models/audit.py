"""The editorial audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prism.models.briefings import Briefing, BriefingRevision


class AuditEvent(models.Model):
    """Who did what to which briefing, when (every transition and edit)."""

    class Action(models.TextChoices):
        # The codes stay stable for tools and tests; editors read the labels.
        GENERATED = "generated", _("AI 초안 생성")
        GENERATION_SKIPPED = "generation_skipped", _("재생성 건너뜀")
        EDITED = "edited", _("편집")
        SUBMITTED = "submitted", _("검토 요청")
        CHANGES_REQUESTED = "changes_requested", _("수정 요청")
        APPROVED = "approved", _("승인")
        APPROVAL_RESET = "approval_reset", _("승인 해제(수정됨)")
        SCHEDULED = "scheduled", _("발행 예약")
        UNSCHEDULED = "unscheduled", _("예약 취소")
        SCHEDULE_FAILED = "schedule_failed", _("예약 발행 실패")
        PUBLISHED = "published", _("발행")
        UNPUBLISHED = "unpublished", _("발행 취소")
        CORRECTED = "corrected", _("정정")
        REOPENED = "reopened", _("다시 편집")
        SPIKED = "spiked", _("폐기")
        RESTORED = "restored", _("복원")
        REVISION_RESTORED = "revision_restored", _("이전 버전 복원")
        SHARE_LINK_CREATED = "share_link_created", _("공유 링크 생성")
        SHARE_LINK_REVOKED = "share_link_revoked", _("공유 링크 취소")
        # The editor's desk (prism.services.editing, prism.services.rewrite).
        WITHDRAWN = "withdrawn", _("검토 요청 취소")
        ITEM_REPLACED = "item_replaced", _("기사 교체")
        ITEM_ADDED = "item_added", _("기사 추가")
        ITEM_REMOVED = "item_removed", _("기사 뺌")
        ITEM_MOVED = "item_moved", _("기사 순서 바꿈")
        RECOMPOSED = "recomposed", _("다시 쓰기")
        REGENERATED = "regenerated", _("AI 초안 다시 만들기")
        REWRITTEN = "rewritten", _("AI로 다시 쓰기")
        SOURCE_CHANGED = "source_changed", _("발행 후 출처 기사 변경")
        ARTICLE_EDITED = "article_edited", _("기사 수정")

    briefing = models.ForeignKey(
        Briefing,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("수행자"),
    )
    action = models.CharField(_("동작"), max_length=50, choices=Action.choices)
    revision = models.ForeignKey(
        BriefingRevision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("메모"), blank=True)
    data = models.JSONField(_("데이터"), default=dict, blank=True)
    created_at = models.DateTimeField(_("시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
