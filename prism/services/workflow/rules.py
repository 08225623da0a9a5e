"""The state machine's rules: states, the transition table, who may do what."""

from __future__ import annotations

from dataclasses import dataclass

from prism.conf import prism_settings
from prism.models import Briefing, BriefingItem, BriefingSection

Status = Briefing.Status

# States in which a person may edit a briefing's text with an ordinary save.
EDITABLE_STATES = frozenset(
    {Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.SCHEDULED}
)
# Briefing fields an edit may change (sections and items are edited by position/rank).
EDITABLE_FIELDS = (
    "headline",
    "header_line",
    "editors_note",
    "lead",
    "keywords",
    "footer",
)
ITEM_EDITABLE_FIELDS = ("headline", "summary", "group")


@dataclass(frozen=True)
class Transition:
    """One action of the state machine: where it may start, where it ends, who may."""

    action: str
    label: str
    sources: frozenset[str]
    target: str
    permission: str
    comment: str = "optional"  # "optional", "required" or "none"
    button: bool = True  # False: performed through the change form, not a button

    @property
    def permission_name(self) -> str:
        return f"prism.{self.permission}"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "submit",
            "검토 요청",
            frozenset({Status.DRAFT}),
            Status.IN_REVIEW,
            "submit_briefing",
        ),
        Transition(
            "request_changes",
            "수정 요청(초안으로 되돌리기)",
            frozenset({Status.IN_REVIEW}),
            Status.DRAFT,
            "approve_briefing",
            comment="required",
        ),
        Transition(
            "approve",
            "승인",
            frozenset({Status.IN_REVIEW}),
            Status.APPROVED,
            "approve_briefing",
        ),
        Transition(
            "schedule",
            "발행 예약",
            frozenset({Status.APPROVED}),
            Status.SCHEDULED,
            "publish_briefing",
            comment="none",
        ),
        Transition(
            "unschedule",
            "예약 취소",
            frozenset({Status.SCHEDULED}),
            Status.APPROVED,
            "publish_briefing",
            comment="none",
        ),
        Transition(
            "publish",
            "지금 발행",
            frozenset({Status.APPROVED, Status.SCHEDULED}),
            Status.PUBLISHED,
            "publish_briefing",
            comment="none",
        ),
        Transition(
            "unpublish",
            "발행 취소",
            frozenset({Status.PUBLISHED}),
            Status.UNPUBLISHED,
            "unpublish_briefing",
            comment="required",
        ),
        Transition(
            "correct",
            "정정",
            frozenset({Status.PUBLISHED}),
            Status.PUBLISHED,
            "correct_briefing",
            comment="required",
            button=False,
        ),
        Transition(
            "reopen",
            "다시 편집(초안으로)",
            frozenset({Status.UNPUBLISHED}),
            Status.DRAFT,
            "unpublish_briefing",
        ),
        Transition(
            "spike",
            "폐기",
            frozenset({Status.DRAFT, Status.IN_REVIEW}),
            Status.SPIKED,
            "spike_briefing",
        ),
        Transition(
            "restore",
            "복원",
            frozenset({Status.SPIKED}),
            Status.DRAFT,
            "spike_briefing",
        ),
    ]
}


# --- permission and state checks ------------------------------------------------


def user_has_perm(user, permission: str) -> bool:
    """True for the system (None) and for users holding ``prism.<permission>``."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.has_perm(f"prism.{permission}"))


def transition_allowed(briefing: Briefing, user, action: str) -> bool:
    """Whether ``user`` may perform ``action`` on ``briefing`` in its current state."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return False
    return briefing.status in transition.sources and user_has_perm(
        user, transition.permission
    )


def available_transitions(briefing: Briefing, user) -> list[Transition]:
    """The buttons to show: exactly the transitions ``user`` may perform now."""
    return [
        t
        for t in TRANSITIONS.values()
        if t.button and transition_allowed(briefing, user, t.action)
    ]


def can_edit(briefing: Briefing, user) -> bool:
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


def publish_problems(briefing: Briefing) -> list[str]:
    """What is missing before ``briefing`` may go live (empty when complete)."""
    problems: list[str] = []
    footer = (briefing.footer or "").strip()
    if not footer:
        problems.append("저작권 문구가 없습니다.")
    elif footer != prism_settings.footer:
        problems.append(
            f"저작권 문구가 설정된 문구와 다릅니다(필요: ‘{prism_settings.footer}’)."
        )
    items = list(BriefingItem.objects.filter(briefing=briefing).order_by("rank"))
    wanted_items = int(prism_settings.ITEMS_PER_BRIEFING)
    if len(items) != wanted_items:
        problems.append(f"기사가 {len(items)}개입니다(필요: {wanted_items}개).")
    for item in items:
        if not (item.summary or "").strip():
            problems.append(f"{item.rank}번 기사의 핵심 요약이 비어 있습니다.")
        if not (item.headline or "").strip():
            problems.append(f"{item.rank}번 기사의 제목이 비어 있습니다.")
    sections = list(
        BriefingSection.objects.filter(briefing=briefing).order_by("position")
    )
    wanted_sections = int(prism_settings.SECTIONS_PER_BRIEFING)
    if len(sections) != wanted_sections:
        problems.append(
            f"주제 섹션이 {len(sections)}개입니다(필요: {wanted_sections}개)."
        )
    for section in sections:
        if not (section.heading or "").strip():
            problems.append(f"{section.position}번째 주제 섹션의 제목이 비어 있습니다.")
        if not (section.body or "").strip():
            problems.append(f"{section.position}번째 주제 섹션의 본문이 비어 있습니다.")
    keywords = [k for k in (briefing.keywords or []) if str(k).strip()]
    wanted_keywords = int(prism_settings.KEYWORDS_PER_BRIEFING)
    if len(keywords) != wanted_keywords:
        problems.append(f"키워드가 {len(keywords)}개입니다(필요: {wanted_keywords}개).")
    if not (briefing.editors_note or "").strip():
        problems.append("편집자 주가 없습니다.")
    return problems
