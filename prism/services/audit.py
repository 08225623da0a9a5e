"""The editorial audit trail: one AuditEvent per transition or edit."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction

from prism.models import AuditEvent, Briefing, BriefingRevision

# What editors read for each action code (codes stay stable for tools and tests).
ACTION_LABELS = {
    "generated": "AI 초안 생성",
    "generation_skipped": "재생성 건너뜀",
    "edited": "편집",
    "submitted": "검토 요청",
    "changes_requested": "수정 요청",
    "approved": "승인",
    "approval_reset": "승인 해제(수정됨)",
    "scheduled": "발행 예약",
    "unscheduled": "예약 취소",
    "schedule_failed": "예약 발행 실패",
    "published": "발행",
    "unpublished": "발행 취소",
    "corrected": "정정",
    "reopened": "다시 편집",
    "spiked": "폐기",
    "restored": "복원",
    "revision_restored": "이전 버전 복원",
    "share_link_created": "공유 링크 생성",
    "share_link_revoked": "공유 링크 취소",
    # The editor's desk (prism.services.editing).
    "withdrawn": "검토 요청 취소",
    "item_replaced": "기사 교체",
    "item_added": "기사 추가",
    "item_removed": "기사 뺌",
    "item_moved": "기사 순서 바꿈",
    "recomposed": "다시 쓰기",
    "regenerated": "AI 초안 다시 만들기",
    "source_changed": "발행 후 출처 기사 변경",
}


def action_label(action: str) -> str:
    """The Korean label of an audit action code (the code itself if unknown)."""
    return ACTION_LABELS.get(action, action)


@transaction.atomic
def audit_record(
    *,
    briefing: Briefing | None,
    action: str,
    actor=None,
    revision: BriefingRevision | None = None,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that ``actor`` (None for the system) did ``action`` to ``briefing``."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        briefing=briefing,
        action=action,
        actor=actor,
        revision=revision,
        comment=comment or "",
        data=data or {},
    )


def admin_log(*, user, briefing: Briefing, message: str) -> LogEntry | None:
    """Mirror a custom admin action into Django's LogEntry (admin "history")."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[briefing],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )


def briefing_audit_trail(briefing: Briefing, limit: int | None = None):
    """The briefing's audit events, newest first, each with its ``label``."""
    events = briefing.audit_events.select_related("actor", "revision").order_by(
        "-created_at", "-id"
    )
    events = list(events[:limit] if limit else events)
    for event in events:
        event.label = action_label(event.action)
    return events
