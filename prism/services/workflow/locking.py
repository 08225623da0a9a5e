"""Locking helpers shared by transitions, edits and publishing."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from prism.models import Briefing, BriefingRevision
from prism.services.audit import audit_record
from prism.services.revisions import revision_create, revision_current
from prism.services.workflow.errors import (
    CommentRequired,
    EditConflict,
    IllegalTransition,
    WorkflowPermissionDenied,
)
from prism.services.workflow.rules import TRANSITIONS, Status, user_has_perm


def _check_permission(user, permission: str, label: str) -> None:
    if not user_has_perm(user, permission):
        raise WorkflowPermissionDenied(f"‘{label}’ 권한이 없습니다.")


def _lock(briefing: Briefing) -> Briefing:
    """Re-read the briefing under a row lock so decisions use the committed state."""
    return Briefing.objects.select_for_update().get(pk=briefing.pk)


def _sync(target: Briefing, source: Briefing) -> None:
    """Copy the saved state back onto the caller's instance."""
    for field in Briefing._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _begin(
    briefing: Briefing,
    user,
    action: str,
    comment: str,
    expected_version: int | None = None,
) -> Briefing:
    transition = TRANSITIONS[action]
    _check_permission(user, transition.permission, transition.label)
    locked = _lock(briefing)
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


def _commit_state(locked: Briefing, expected_status: str, **changes: Any) -> None:
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


def _transition_event(
    locked: Briefing,
    *,
    user,
    action_code: str,
    source: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
):
    return audit_record(
        briefing=locked,
        action=action_code,
        actor=user,
        revision=revision_current(locked),
        comment=comment,
        data={"from": source, "to": locked.status, "version": locked.version}
        | (data or {}),
    )


def _move(
    locked: Briefing,
    *,
    user,
    event: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> None:
    """Apply a transition's ``changes`` to the locked row and audit it as ``event``."""
    source = locked.status
    _commit_state(locked, source, **changes)
    _transition_event(
        locked, user=user, action_code=event, source=source, comment=comment, data=data
    )
