"""The editorial audit trail: one AuditEvent per transition or edit."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from prism.models import AuditEvent, Briefing, BriefingRevision

# Who acts in a service: a person (an anonymous one holds no permissions) or None,
# the system (the scheduled publisher, the generator).
Actor = AbstractBaseUser | AnonymousUser | None


def action_label(action: str) -> str:
    """The Korean label of an audit action code (the code itself if unknown)."""
    if action in AuditEvent.Action.values:
        return str(AuditEvent.Action(action).label)
    return action


@transaction.atomic
def audit_record(
    *,
    briefing: Briefing | None,
    action: AuditEvent.Action | str,
    actor: Actor = None,
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


def admin_log(*, user: Actor, briefing: Briefing, message: str) -> LogEntry | None:
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
