"""The state machine's rules: states, the transition table, who may do what."""

from __future__ import annotations

from dataclasses import dataclass

from prism.models import AuditEvent, Briefing
from prism.services.audit import Actor

Status = Briefing.Status
Action = AuditEvent.Action

# States in which a person may edit a briefing's text with an ordinary save.
EDITABLE_STATES = frozenset(
    {Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.SCHEDULED}
)
# Briefing fields an edit may change (sections and items are edited by position/rank).
EDITABLE_FIELDS = Briefing.EDITABLE_FIELDS
ITEM_EDITABLE_FIELDS = ("headline", "summary", "group")


@dataclass(frozen=True)
class Transition:
    """One action of the state machine: where it may start and end, who may do it,
    what the audit trail records and who is told."""

    action: str
    label: str
    sources: frozenset[str]
    target: str
    permission: str
    event: str  # the AuditEvent.Action recorded
    comment: str = "optional"  # "optional", "required" or "none"
    button: bool = True  # False: performed through the change form, not a button
    clears: tuple[str, ...] = ()  # fields emptied on the way (approval, schedule)
    notify: bool = False  # e-mail the people concerned (prism.services.notifications)
    notify_comment: bool = True  # and the comment with it

    @property
    def permission_name(self) -> str:
        return f"prism.{self.permission}"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            action="submit",
            label="검토 요청",
            sources=frozenset({Status.DRAFT}),
            target=Status.IN_REVIEW,
            permission="submit_briefing",
            event=Action.SUBMITTED,
            notify=True,
            notify_comment=False,
        ),
        Transition(
            action="request_changes",
            label="수정 요청(초안으로 되돌리기)",
            sources=frozenset({Status.IN_REVIEW}),
            target=Status.DRAFT,
            permission="approve_briefing",
            event=Action.CHANGES_REQUESTED,
            comment="required",
            clears=("approved_version",),
            notify=True,
        ),
        Transition(
            action="approve",
            label="승인",
            sources=frozenset({Status.IN_REVIEW}),
            target=Status.APPROVED,
            permission="approve_briefing",
            event=Action.APPROVED,
            notify=True,
        ),
        Transition(
            action="schedule",
            label="발행 예약",
            sources=frozenset({Status.APPROVED}),
            target=Status.SCHEDULED,
            permission="publish_briefing",
            event=Action.SCHEDULED,
            comment="none",
        ),
        Transition(
            action="unschedule",
            label="예약 취소",
            sources=frozenset({Status.SCHEDULED}),
            target=Status.APPROVED,
            permission="publish_briefing",
            event=Action.UNSCHEDULED,
            comment="none",
            clears=("publish_at",),
        ),
        Transition(
            action="publish",
            label="지금 발행",
            sources=frozenset({Status.APPROVED, Status.SCHEDULED}),
            target=Status.PUBLISHED,
            permission="publish_briefing",
            event=Action.PUBLISHED,
            comment="none",
            notify=True,
        ),
        Transition(
            action="unpublish",
            label="발행 취소",
            sources=frozenset({Status.PUBLISHED}),
            target=Status.UNPUBLISHED,
            permission="unpublish_briefing",
            event=Action.UNPUBLISHED,
            comment="required",
        ),
        Transition(
            action="correct",
            label="정정",
            sources=frozenset({Status.PUBLISHED}),
            target=Status.PUBLISHED,
            permission="correct_briefing",
            event=Action.CORRECTED,
            comment="required",
            button=False,
        ),
        Transition(
            action="reopen",
            label="다시 편집(초안으로)",
            sources=frozenset({Status.UNPUBLISHED}),
            target=Status.DRAFT,
            permission="unpublish_briefing",
            event=Action.REOPENED,
            clears=("approved_version",),
        ),
        Transition(
            action="spike",
            label="폐기",
            sources=frozenset({Status.DRAFT, Status.IN_REVIEW}),
            target=Status.SPIKED,
            permission="spike_briefing",
            event=Action.SPIKED,
            clears=("approved_version",),
        ),
        Transition(
            action="restore",
            label="복원",
            sources=frozenset({Status.SPIKED}),
            target=Status.DRAFT,
            permission="spike_briefing",
            event=Action.RESTORED,
        ),
    ]
}


def user_has_perm(user: Actor, permission: str) -> bool:
    """True for the system (None) and for users holding ``prism.<permission>``."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.has_perm(f"prism.{permission}"))


def transition_allowed(briefing: Briefing, user: Actor, action: str) -> bool:
    """Whether ``user`` may perform ``action`` on ``briefing`` in its current state."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return False
    return briefing.status in transition.sources and user_has_perm(
        user, transition.permission
    )


def available_transitions(briefing: Briefing, user: Actor) -> list[Transition]:
    """The buttons to show: exactly the transitions ``user`` may perform now."""
    return [
        t
        for t in TRANSITIONS.values()
        if t.button and transition_allowed(briefing, user, t.action)
    ]


def can_edit(briefing: Briefing, user: Actor) -> bool:
    """Whether ``user`` may change the briefing's text (edit or correction)."""
    if briefing.status in EDITABLE_STATES:
        return user_has_perm(user, "change_briefing")
    if briefing.status == Status.PUBLISHED:
        return user_has_perm(user, "change_briefing") and user_has_perm(
            user, "correct_briefing"
        )
    return False


def briefing_is_untouched(briefing: Briefing) -> bool:
    """Whether the generator may replace this briefing (a draft no person edited)."""
    return briefing.status == Status.DRAFT and not briefing.human_edited
