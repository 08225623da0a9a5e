"""The editorial transitions other than publishing, and the faces' dispatch.

Each transition is one row of ``rules.TRANSITIONS`` run by ``perform_transition``;
the functions here add only what their row cannot say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction

from prism.models import Briefing
from prism.services.audit import Actor
from prism.services.workflow.errors import IllegalTransition
from prism.services.workflow.locking import (
    ensure_current_revision,
    perform_transition,
)
from prism.services.workflow.publishing import (
    briefing_publish,
    briefing_schedule,
    briefing_unschedule,
)
from prism.services.workflow.rules import TRANSITIONS


@transaction.atomic
def briefing_submit_for_review(
    *,
    briefing: Briefing,
    user: Actor,
    comment: str = "",
    expected_version: int | None = None,
) -> Briefing:
    """draft → in_review; chief editors are notified."""
    return perform_transition(briefing, user, "submit", comment, expected_version)


@transaction.atomic
def briefing_request_changes(
    *,
    briefing: Briefing,
    user: Actor,
    comment: str,
    expected_version: int | None = None,
) -> Briefing:
    """in_review → draft with a required comment; the submitter is notified."""
    return perform_transition(
        briefing, user, "request_changes", comment, expected_version
    )


def _bind_approval(locked: Briefing) -> tuple[dict[str, Any], dict[str, Any]]:
    revision = ensure_current_revision(locked)
    return {"revision": revision.number}, {"approved_version": locked.version}


@transaction.atomic
def briefing_approve(
    *,
    briefing: Briefing,
    user: Actor,
    comment: str = "",
    expected_version: int | None = None,
) -> Briefing:
    """in_review → approved, binding the approval to the current version."""
    return perform_transition(
        briefing, user, "approve", comment, expected_version, prepare=_bind_approval
    )


@transaction.atomic
def briefing_unpublish(
    *,
    briefing: Briefing,
    user: Actor,
    comment: str,
    expected_version: int | None = None,
) -> Briefing:
    """published → unpublished (withdrawn from the site) with a required reason."""
    return perform_transition(briefing, user, "unpublish", comment, expected_version)


@transaction.atomic
def briefing_reopen(
    *,
    briefing: Briefing,
    user: Actor,
    comment: str = "",
    expected_version: int | None = None,
) -> Briefing:
    """unpublished → draft, to rework a withdrawn briefing through review again."""
    return perform_transition(briefing, user, "reopen", comment, expected_version)


@transaction.atomic
def briefing_spike(
    *,
    briefing: Briefing,
    user: Actor,
    comment: str = "",
    expected_version: int | None = None,
) -> Briefing:
    """draft/in_review → spiked: discarded but kept with its audit trail."""
    return perform_transition(briefing, user, "spike", comment, expected_version)


def _edition_is_free(locked: Briefing) -> tuple[dict[str, Any], dict[str, Any]]:
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
    return {}, {}


@transaction.atomic
def briefing_restore(
    *,
    briefing: Briefing,
    user: Actor,
    comment: str = "",
    expected_version: int | None = None,
) -> Briefing:
    """spiked → draft, unless another briefing took its reader type and date."""
    return perform_transition(
        briefing, user, "restore", comment, expected_version, prepare=_edition_is_free
    )


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
    user: Actor,
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
