"""The editorial audit trail: one AuditEvent per transition or edit."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction

from prism.models import AuditEvent, Briefing, BriefingRevision


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


def briefing_audit_trail(briefing: Briefing):
    """The briefing's audit events, newest first, with actors and revisions loaded."""
    return briefing.audit_events.select_related("actor", "revision").order_by(
        "-created_at", "-id"
    )
