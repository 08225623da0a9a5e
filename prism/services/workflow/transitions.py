"""The editorial transitions other than publishing, and the faces' dispatch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction

from prism.models import Briefing
from prism.services import notifications
from prism.services.workflow.errors import IllegalTransition
from prism.services.workflow.locking import (
    _begin,
    _move,
    _sync,
    ensure_current_revision,
)
from prism.services.workflow.publishing import (
    briefing_publish,
    briefing_schedule,
    briefing_unschedule,
)
from prism.services.workflow.rules import TRANSITIONS, Status

# --- transitions ------------------------------------------------------------------


@transaction.atomic
def briefing_submit_for_review(
    *, briefing: Briefing, user, comment: str = "", expected_version: int | None = None
) -> Briefing:
    """draft → in_review; chief editors are notified."""
    locked = _begin(briefing, user, "submit", comment, expected_version)
    _move(
        locked, user=user, event="submitted", comment=comment, status=Status.IN_REVIEW
    )
    notifications.notify_on_commit("submitted", briefing_id=locked.pk, actor=user)
    _sync(briefing, locked)
    return briefing


@transaction.atomic
def briefing_request_changes(
    *, briefing: Briefing, user, comment: str, expected_version: int | None = None
) -> Briefing:
    """in_review → draft with a required comment; the submitter is notified."""
    locked = _begin(briefing, user, "request_changes", comment, expected_version)
    _move(
        locked,
        user=user,
        event="changes_requested",
        comment=comment,
        status=Status.DRAFT,
        approved_version=None,
    )
    notifications.notify_on_commit(
        "changes_requested", briefing_id=locked.pk, actor=user, comment=comment
    )
    _sync(briefing, locked)
    return briefing


@transaction.atomic
def briefing_approve(
    *, briefing: Briefing, user, comment: str = "", expected_version: int | None = None
) -> Briefing:
    """in_review → approved, binding the approval to the current version."""
    locked = _begin(briefing, user, "approve", comment, expected_version)
    revision = ensure_current_revision(locked)
    _move(
        locked,
        user=user,
        event="approved",
        comment=comment,
        data={"revision": revision.number},
        status=Status.APPROVED,
        approved_version=locked.version,
    )
    notifications.notify_on_commit(
        "approved", briefing_id=locked.pk, actor=user, comment=comment
    )
    _sync(briefing, locked)
    return briefing


@transaction.atomic
def briefing_unpublish(
    *, briefing: Briefing, user, comment: str, expected_version: int | None = None
) -> Briefing:
    """published → unpublished (withdrawn from the site) with a required reason."""
    locked = _begin(briefing, user, "unpublish", comment, expected_version)
    _move(
        locked,
        user=user,
        event="unpublished",
        comment=comment,
        status=Status.UNPUBLISHED,
    )
    _sync(briefing, locked)
    return briefing


@transaction.atomic
def briefing_reopen(
    *, briefing: Briefing, user, comment: str = "", expected_version: int | None = None
) -> Briefing:
    """unpublished → draft, to rework a withdrawn briefing through review again."""
    locked = _begin(briefing, user, "reopen", comment, expected_version)
    _move(
        locked,
        user=user,
        event="reopened",
        comment=comment,
        status=Status.DRAFT,
        approved_version=None,
    )
    _sync(briefing, locked)
    return briefing


@transaction.atomic
def briefing_spike(
    *, briefing: Briefing, user, comment: str = "", expected_version: int | None = None
) -> Briefing:
    """draft/in_review → spiked: discarded but kept with its audit trail."""
    locked = _begin(briefing, user, "spike", comment, expected_version)
    _move(
        locked,
        user=user,
        event="spiked",
        comment=comment,
        status=Status.SPIKED,
        approved_version=None,
    )
    _sync(briefing, locked)
    return briefing


@transaction.atomic
def briefing_restore(
    *, briefing: Briefing, user, comment: str = "", expected_version: int | None = None
) -> Briefing:
    """spiked → draft, unless another briefing took its reader type and date."""
    locked = _begin(briefing, user, "restore", comment, expected_version)
    taken = (
        Briefing.objects.live()
        .filter(reader_type_id=locked.reader_type_id, edition_date=locked.edition_date)
        .exclude(pk=locked.pk)
        .exists()
    )
    if taken:
        raise IllegalTransition(
            "같은 날짜·독자 유형의 다른 브리핑이 있어 복원할 수 없습니다. "
            "그 브리핑을 먼저 폐기하세요."
        )
    _move(locked, user=user, event="restored", comment=comment, status=Status.DRAFT)
    _sync(briefing, locked)
    return briefing


# --- dispatch for faces -------------------------------------------------------------

ACTION_FUNCTIONS: dict[str, Callable[..., Briefing]] = {
    "submit": briefing_submit_for_review,
    "request_changes": briefing_request_changes,
    "approve": briefing_approve,
    "schedule": briefing_schedule,
    "unschedule": briefing_unschedule,
    "publish": briefing_publish,
    "unpublish": briefing_unpublish,
    "reopen": briefing_reopen,
    "spike": briefing_spike,
    "restore": briefing_restore,
}


def briefing_transition(
    *,
    briefing: Briefing,
    user,
    action: str,
    comment: str = "",
    publish_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Briefing:
    """Run the button ``action`` (one of ACTION_FUNCTIONS) for a face.

    ``expected_version`` is the version the person saw when deciding; the action is
    refused if the briefing changed since.
    """
    function = ACTION_FUNCTIONS.get(action)
    if function is None:
        raise IllegalTransition(f"알 수 없는 동작입니다: {action}")
    kwargs: dict[str, Any] = {
        "briefing": briefing,
        "user": user,
        "expected_version": expected_version,
    }
    if TRANSITIONS[action].comment != "none":
        kwargs["comment"] = comment
    if action == "schedule":
        kwargs["publish_at"] = publish_at
    return function(**kwargs)
