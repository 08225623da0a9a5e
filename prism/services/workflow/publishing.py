"""Publishing: at once, scheduled, and the scheduler's run over due briefings."""

from __future__ import annotations

import datetime as dt
import importlib.util
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from prism.models import AuditEvent, Briefing
from prism.services import notifications
from prism.services.audit import Actor
from prism.services.edit_metrics import briefing_edit_metrics
from prism.services.workflow.errors import (
    IllegalTransition,
    PublishGuardError,
    WorkflowError,
)
from prism.services.workflow.guards import require_complete
from prism.services.workflow.locking import (
    begin_transition,
    commit_state,
    ensure_current_revision,
    perform_transition,
    sync_instance,
    transition_event,
)
from prism.services.workflow.rules import TRANSITIONS, Status

logger = logging.getLogger(__name__)

Action = AuditEvent.Action


def _require_publishable(briefing: Briefing) -> None:
    """Refuse a briefing whose approval is not of this version, or incomplete."""
    if briefing.approved_version != briefing.version:
        raise IllegalTransition(
            f"승인된 버전(v{briefing.approved_version or '-'})과 현재 버전"
            f"(v{briefing.version})이 다릅니다. 다시 검토·승인을 받아야 합니다."
        )
    require_complete(briefing)


def _publish_time(publish_at: dt.datetime | None) -> dt.datetime:
    if publish_at is None:
        raise WorkflowError("발행 예약 시각을 입력하세요.")
    if timezone.is_naive(publish_at):
        publish_at = timezone.make_aware(publish_at)
    if publish_at <= timezone.now():
        raise WorkflowError("발행 예약 시각은 현재보다 뒤여야 합니다.")
    return publish_at


@transaction.atomic
def briefing_schedule(
    *,
    briefing: Briefing,
    user: Actor,
    publish_at: dt.datetime,
    comment: str = "",
    expected_version: int | None = None,
) -> Briefing:
    """approved → scheduled: published automatically once ``publish_at`` is due."""

    def prepare(locked: Briefing) -> tuple[dict[str, Any], dict[str, Any]]:
        when = _publish_time(publish_at)
        _require_publishable(locked)
        return {"publish_at": when.isoformat()}, {"publish_at": when}

    return perform_transition(
        briefing, user, "schedule", comment, expected_version, prepare=prepare
    )


@transaction.atomic
def briefing_unschedule(
    *,
    briefing: Briefing,
    user: Actor,
    comment: str = "",
    expected_version: int | None = None,
) -> Briefing:
    """scheduled → approved (the approval stays)."""
    return perform_transition(briefing, user, "unschedule", comment, expected_version)


def _digest_enqueue_on_commit(briefing_id: int) -> None:
    # The digest module belongs to the site helper; publishing works without it.
    if importlib.util.find_spec("prism.services.digest") is None:
        return

    def enqueue() -> None:
        from prism.services import digest

        try:
            digest.digest_enqueue(briefing_id)
        except Exception:  # a mail queue problem must not undo a publication
            logger.exception("digest_enqueue failed for briefing %s", briefing_id)

    transaction.on_commit(enqueue)


def _publish_locked(
    locked: Briefing, *, user: Actor, comment: str = "", via: str = "manual"
) -> None:
    _require_publishable(locked)
    revision = ensure_current_revision(locked)
    source = locked.status
    commit_state(
        locked,
        source,
        status=TRANSITIONS["publish"].target,
        published_at=timezone.now(),
        live_revision_id=revision.pk,
    )
    transition_event(
        locked,
        user=user,
        action_code=TRANSITIONS["publish"].event,
        source=source,
        comment=comment,
        data={
            "via": via,
            "revision": revision.number,
            "edit_metrics": briefing_edit_metrics(locked),
        },
    )
    notifications.notify_on_commit(
        TRANSITIONS["publish"].event, briefing_id=locked.pk, actor=user
    )
    _digest_enqueue_on_commit(locked.pk)


@transaction.atomic
def briefing_publish(
    *,
    briefing: Briefing,
    user: Actor,
    comment: str = "",
    expected_version: int | None = None,
) -> Briefing:
    """approved/scheduled → published, if the approved version is complete."""
    locked = begin_transition(briefing, user, "publish", comment, expected_version)
    _publish_locked(locked, user=user, comment=comment)
    sync_instance(briefing, locked)
    return briefing


# --- scheduled publishing -----------------------------------------------------------


def _publish_scheduled_one(pk: int, now: dt.datetime) -> bool:
    """Publish one due briefing; False if it was no longer due (already done)."""
    try:
        with transaction.atomic():
            locked = (
                Briefing.objects.select_for_update()
                .filter(pk=pk, status=Status.SCHEDULED, publish_at__lte=now)
                .first()
            )
            if locked is None:
                return False
            _publish_locked(locked, user=None, via="schedule")
            return True
    except (PublishGuardError, IllegalTransition) as error:
        _schedule_failed(pk, error)
        return False


def _schedule_failed(pk: int, error: Exception) -> None:
    """Put a briefing that could not be published at its time back to approved."""
    with transaction.atomic():
        locked = (
            Briefing.objects.select_for_update()
            .filter(pk=pk, status=Status.SCHEDULED)
            .first()
        )
        if locked is None:
            return
        commit_state(locked, Status.SCHEDULED, status=Status.APPROVED, publish_at=None)
        transition_event(
            locked,
            user=None,
            action_code=Action.SCHEDULE_FAILED,
            source=Status.SCHEDULED,
            comment=str(error),
        )
        notifications.notify_on_commit(
            Action.SCHEDULE_FAILED, briefing_id=pk, actor=None, comment=str(error)
        )
    logger.warning("scheduled publish of briefing %s failed: %s", pk, error)


def publish_due_briefings(*, now: dt.datetime | None = None) -> list[int]:
    """Publish every scheduled briefing whose time has come; safe to run twice."""
    now = now or timezone.now()
    due = list(
        Briefing.objects.filter(status=Status.SCHEDULED, publish_at__lte=now)
        .order_by("publish_at", "pk")
        .values_list("pk", flat=True)
    )
    return [pk for pk in due if _publish_scheduled_one(pk, now)]
