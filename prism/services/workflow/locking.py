"""Locking helpers shared by transitions, edits and publishing: each locks the row,
re-checks the state it read, writes conditionally and audits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from prism.models import Briefing, BriefingRevision
from prism.services import notifications
from prism.services.audit import Actor, audit_record
from prism.services.revisions import revision_create, revision_current
from prism.services.workflow.errors import (
    CommentRequired,
    EditConflict,
    IllegalTransition,
    WorkflowPermissionDenied,
)
from prism.services.workflow.rules import TRANSITIONS, Status, user_has_perm

# What a transition adds once the locked row is known: (audit data, row changes).
Preparation = Callable[[Briefing], tuple[dict[str, Any], dict[str, Any]]]


def check_permission(user: Actor, permission: str, label: str) -> None:
    if not user_has_perm(user, permission):
        raise WorkflowPermissionDenied(f"‘{label}’ 권한이 없습니다.")


def lock_briefing(briefing: Briefing) -> Briefing:
    """Re-read the briefing under a row lock so decisions use the committed state."""
    return Briefing.objects.select_for_update().get(pk=briefing.pk)


def sync_instance(target: Briefing, source: Briefing) -> None:
    """Copy the saved state back onto the caller's instance."""
    for field in Briefing._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def begin_transition(
    briefing: Briefing,
    user: Actor,
    action: str,
    comment: str,
    expected_version: int | None = None,
) -> Briefing:
    """Check permission, lock, and check version, state and comment for ``action``."""
    transition = TRANSITIONS[action]
    check_permission(user, transition.permission, transition.label)
    locked = lock_briefing(briefing)
    if expected_version is not None and int(expected_version) != locked.version:
        # The person decided on a version they saw; never apply it to a newer one.
        raise EditConflict(
            base_version=int(expected_version),
            current_version=locked.version,
            hint="바뀐 내용을 확인한 뒤 다시 결정하세요.",
        )
    if locked.status not in transition.sources:
        allowed = ", ".join(str(Status(s).label) for s in sorted(transition.sources))
        raise IllegalTransition(
            f"‘{Status(locked.status).label}’ 상태에서는 ‘{transition.label}’을(를) "
            f"할 수 없습니다(가능한 상태: {allowed})."
        )
    if transition.comment == "required" and not (comment or "").strip():
        raise CommentRequired(f"‘{transition.label}’에는 사유(코멘트)가 필요합니다.")
    return locked


def commit_state(locked: Briefing, expected_status: str, **changes: Any) -> None:
    """Conditional UPDATE: applies only if nobody moved the briefing meanwhile."""
    changes["updated_at"] = timezone.now()
    updated = Briefing.objects.filter(
        pk=locked.pk, status=expected_status, version=locked.version
    ).update(**changes)
    if updated != 1:
        raise IllegalTransition(
            "브리핑이 그사이 변경되었습니다. 새로고침 후 다시 시도하세요."
        )
    for name, value in changes.items():
        setattr(locked, name, value)


def ensure_current_revision(briefing: Briefing) -> BriefingRevision:
    """The revision of the current version (snapshotting it if none was saved)."""
    revision = revision_current(briefing)
    if revision is None:
        kind = (
            BriefingRevision.Kind.EDITED
            if briefing.human_edited
            else BriefingRevision.Kind.GENERATED
        )
        revision = revision_create(
            briefing=briefing, kind=kind, comment="자동 스냅샷(리비전 없음)"
        )
    return revision


def transition_event(
    locked: Briefing,
    *,
    user: Actor,
    action_code: str,
    source: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
):
    """Audit a state change of ``locked`` from ``source`` as ``action_code``."""
    return audit_record(
        briefing=locked,
        action=action_code,
        actor=user,
        revision=revision_current(locked),
        comment=comment,
        data={"from": source, "to": locked.status, "version": locked.version}
        | (data or {}),
    )


def move(
    locked: Briefing,
    *,
    user: Actor,
    event: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> None:
    """Apply a transition's ``changes`` to the locked row and audit it as ``event``."""
    source = locked.status
    commit_state(locked, source, **changes)
    transition_event(
        locked, user=user, action_code=event, source=source, comment=comment, data=data
    )


def perform_transition(
    briefing: Briefing,
    user: Actor,
    action: str,
    comment: str = "",
    expected_version: int | None = None,
    *,
    prepare: Preparation | None = None,
) -> Briefing:
    """Run the table's ``action`` on ``briefing``: begin, move, notify, sync.

    ``prepare`` sees the locked row first: it may refuse (raise) or add audit data
    and row changes of its own.
    """
    transition = TRANSITIONS[action]
    locked = begin_transition(briefing, user, action, comment, expected_version)
    data, changes = prepare(locked) if prepare else ({}, {})
    changes = dict.fromkeys(transition.clears) | changes
    move(
        locked,
        user=user,
        event=transition.event,
        comment=comment,
        data=data,
        status=transition.target,
        **changes,
    )
    if transition.notify:
        extra = {"comment": comment} if transition.notify_comment else {}
        notifications.notify_on_commit(
            transition.event, briefing_id=locked.pk, actor=user, **extra
        )
    sync_instance(briefing, locked)
    return briefing
