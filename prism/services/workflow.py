"""The editorial state machine: every transition and edit of a briefing goes here.

States: draft → in_review → approved → (scheduled →) published → unpublished, plus
in_review → draft ("needs changes"), draft/in_review → spiked → draft (restore) and
published → published (correction). The admin, the API, tasks and commands all call
these functions; each one checks the acting user's permission itself, locks the row,
re-checks the state it read and writes an AuditEvent.

``user=None`` means the system (the scheduled publisher); faces always pass the
request's user, and an anonymous user has no permissions.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from prism.conf import prism_settings
from prism.models import Briefing, BriefingItem, BriefingRevision, BriefingSection
from prism.services import notifications
from prism.services.audit import audit_record
from prism.services.edit_metrics import briefing_edit_metrics
from prism.services.revisions import (
    revision_create,
    revision_current,
    snapshot_apply,
)

logger = logging.getLogger(__name__)

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


class WorkflowError(Exception):
    """A transition or edit that is not allowed; the message is for editors."""


class IllegalTransition(WorkflowError):
    """The briefing's state does not allow the requested action."""


class WorkflowPermissionDenied(WorkflowError):
    """The user lacks the permission the action needs."""


class CommentRequired(WorkflowError):
    """The action needs a comment (a reason) and none was given."""


class PublishGuardError(WorkflowError):
    """The briefing is not complete enough to go live."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("발행할 수 없습니다: " + " ".join(problems))


class EditConflict(WorkflowError):
    """The edit was based on an outdated version of the briefing."""

    def __init__(
        self,
        *,
        base_version: int,
        current_version: int,
        hint: str = "변경 내용을 비교한 뒤 다시 편집하세요.",
    ) -> None:
        self.base_version = base_version
        self.current_version = current_version
        super().__init__(
            f"다른 사람이 먼저 저장했습니다(보고 있던 버전 v{base_version}, "
            f"현재 버전 v{current_version}). {hint}"
        )


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


def _require_bound_approval(briefing: Briefing) -> None:
    if briefing.approved_version != briefing.version:
        raise IllegalTransition(
            f"승인된 버전(v{briefing.approved_version or '-'})과 현재 버전"
            f"(v{briefing.version})이 다릅니다. 다시 검토·승인을 받아야 합니다."
        )


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
def briefing_schedule(
    *,
    briefing: Briefing,
    user,
    publish_at: dt.datetime,
    comment: str = "",
    expected_version: int | None = None,
) -> Briefing:
    """approved → scheduled: published automatically once ``publish_at`` is due."""
    locked = _begin(briefing, user, "schedule", comment, expected_version)
    if publish_at is None:
        raise WorkflowError("발행 예약 시각을 입력하세요.")
    if timezone.is_naive(publish_at):
        publish_at = timezone.make_aware(publish_at)
    if publish_at <= timezone.now():
        raise WorkflowError("발행 예약 시각은 현재보다 뒤여야 합니다.")
    _require_bound_approval(locked)
    problems = publish_problems(locked)
    if problems:
        raise PublishGuardError(problems)
    _move(
        locked,
        user=user,
        event="scheduled",
        comment=comment,
        data={"publish_at": publish_at.isoformat()},
        status=Status.SCHEDULED,
        publish_at=publish_at,
    )
    _sync(briefing, locked)
    return briefing


@transaction.atomic
def briefing_unschedule(
    *, briefing: Briefing, user, comment: str = "", expected_version: int | None = None
) -> Briefing:
    """scheduled → approved (the approval stays)."""
    locked = _begin(briefing, user, "unschedule", comment, expected_version)
    _move(
        locked,
        user=user,
        event="unscheduled",
        comment=comment,
        status=Status.APPROVED,
        publish_at=None,
    )
    _sync(briefing, locked)
    return briefing


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
    locked: Briefing, *, user, comment: str = "", via: str = "manual"
) -> None:
    _require_bound_approval(locked)
    problems = publish_problems(locked)
    if problems:
        raise PublishGuardError(problems)
    revision = ensure_current_revision(locked)
    source = locked.status
    now = timezone.now()
    _commit_state(
        locked,
        source,
        status=Status.PUBLISHED,
        published_at=now,
        live_revision_id=revision.pk,
    )
    _transition_event(
        locked,
        user=user,
        action_code="published",
        source=source,
        comment=comment,
        data={
            "via": via,
            "revision": revision.number,
            "edit_metrics": briefing_edit_metrics(locked),
        },
    )
    notifications.notify_on_commit("published", briefing_id=locked.pk, actor=user)
    _digest_enqueue_on_commit(locked.pk)


@transaction.atomic
def briefing_publish(
    *, briefing: Briefing, user, comment: str = "", expected_version: int | None = None
) -> Briefing:
    """approved/scheduled → published, if the approved version is complete."""
    locked = _begin(briefing, user, "publish", comment, expected_version)
    _publish_locked(locked, user=user, comment=comment)
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


# --- edits ------------------------------------------------------------------------


def _text(value: Any) -> str:
    """Browsers post textareas with CRLF line ends; store LF like the generator."""
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n")


def _apply_edit(locked: Briefing, data: dict[str, Any]) -> list[str]:
    """Write ``data`` onto the locked briefing; return the names of changed parts."""
    changed: list[str] = []
    update_fields: list[str] = []
    for field in EDITABLE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "keywords":
            value = [str(k).strip() for k in (value or []) if str(k).strip()]
        else:
            value = _text(value)
        if getattr(locked, field) != value:
            setattr(locked, field, value)
            update_fields.append(field)
            changed.append(field)
    if update_fields:
        locked.save(update_fields=update_fields)
    if "sections" in data:
        sections = {
            s.position: s for s in BriefingSection.objects.filter(briefing=locked)
        }
        for entry in data["sections"]:
            section = sections.get(entry.get("position"))
            if section is None:
                raise WorkflowError(
                    f"{entry.get('position')}번째 주제 섹션이 없습니다."
                )
            fields = [
                f
                for f in ("heading", "body")
                if f in entry and _text(entry[f]) != getattr(section, f)
            ]
            for f in fields:
                setattr(section, f, _text(entry[f]))
            if fields:
                section.save(update_fields=fields)
                changed.extend(f"section{section.position}.{f}" for f in fields)
    if "items" in data:
        items = {i.rank: i for i in BriefingItem.objects.filter(briefing=locked)}
        for entry in data["items"]:
            item = items.get(entry.get("rank"))
            if item is None:
                raise WorkflowError(f"{entry.get('rank')}번 기사가 없습니다.")
            fields = [
                f
                for f in ITEM_EDITABLE_FIELDS
                if f in entry and _text(entry[f]) != getattr(item, f)
            ]
            if "group" in fields and entry["group"] not in BriefingItem.Group.values:
                raise WorkflowError(f"{item.rank}번 기사의 구분 값이 잘못되었습니다.")
            for f in fields:
                setattr(item, f, _text(entry[f]))
            if fields:
                item.save(update_fields=fields)
                changed.extend(f"item{item.rank}.{f}" for f in fields)
            if "related_article_ids" in entry:
                wanted = sorted({int(pk) for pk in entry["related_article_ids"]})
                current = sorted(item.related_articles.values_list("pk", flat=True))
                if wanted != current:
                    item.related_articles.set(wanted)
                    changed.append(f"item{item.rank}.related_articles")
    return changed


def _check_version(locked: Briefing, base_version: int | None) -> None:
    if base_version is None or int(base_version) != locked.version:
        raise EditConflict(
            base_version=int(base_version or 0), current_version=locked.version
        )


def _new_version_after_edit(
    locked: Briefing,
    *,
    user,
    kind: str,
    comment: str,
    action_code: str,
    data: dict[str, Any],
) -> BriefingRevision:
    """Bump the version, re-bind or reset approval, snapshot and audit."""
    source = locked.status
    locked.version += 1
    locked.human_edited = True
    approval_reset = False
    if locked.status in (Status.APPROVED, Status.SCHEDULED):
        if prism_settings.EDIT_RESETS_APPROVAL:
            # The approval covered the previous version only: review again.
            locked.status = Status.IN_REVIEW
            locked.publish_at = None
            approval_reset = True
        else:
            locked.approved_version = locked.version
    # The quality report follows the text the editor now has in front of them.
    from prism.services.quality import briefing_quality_report

    locked.quality_findings = briefing_quality_report(locked)
    locked.save(
        update_fields=[
            "version",
            "human_edited",
            "status",
            "publish_at",
            "approved_version",
            "quality_findings",
            "updated_at",
        ]
    )
    revision = revision_create(briefing=locked, kind=kind, author=user, comment=comment)
    audit_record(
        briefing=locked,
        action=action_code,
        actor=user,
        revision=revision,
        comment=comment,
        data={"from_version": locked.version - 1, "version": locked.version} | data,
    )
    if approval_reset:
        audit_record(
            briefing=locked,
            action="approval_reset",
            actor=user,
            revision=revision,
            comment="승인 후 수정되어 다시 검토가 필요합니다.",
            data={"from": source, "to": locked.status, "version": locked.version},
        )
    return revision


@transaction.atomic
def briefing_save_edit(
    *,
    briefing: Briefing,
    user,
    data: dict[str, Any],
    base_version: int | None,
    comment: str = "",
) -> Briefing:
    """Save a person's edit made on ``base_version``; refuse it if that is outdated.

    ``data`` holds any of EDITABLE_FIELDS, ``sections`` ([{position, heading, body}])
    and ``items`` ([{rank, headline, summary, group, related_article_ids}]).
    """
    _check_permission(user, "change_briefing", "브리핑 수정")
    locked = _lock(briefing)
    if locked.status == Status.PUBLISHED:
        raise IllegalTransition(
            "발행된 브리핑은 정정(정정 안내 포함)으로만 수정할 수 있습니다."
        )
    if locked.status not in EDITABLE_STATES:
        raise IllegalTransition(
            f"‘{Status(locked.status).label}’ 상태의 브리핑은 수정할 수 없습니다."
        )
    _check_version(locked, base_version)
    changed = _apply_edit(locked, data)
    if changed:
        _new_version_after_edit(
            locked,
            user=user,
            kind=BriefingRevision.Kind.EDITED,
            comment=comment,
            action_code="edited",
            data={"parts": changed},
        )
    _sync(briefing, locked)
    return briefing


@transaction.atomic
def briefing_correct(
    *,
    briefing: Briefing,
    user,
    data: dict[str, Any],
    base_version: int | None,
    correction_note: str,
) -> Briefing:
    """published → published: a new live revision plus a public correction note."""
    locked = _begin(briefing, user, "correct", correction_note)
    _check_permission(user, "change_briefing", "브리핑 수정")
    _check_version(locked, base_version)
    changed = _apply_edit(locked, data)
    note = _text(correction_note).strip()
    if note != locked.correction_note:
        locked.correction_note = note
        locked.save(update_fields=["correction_note"])
        changed.append("correction_note")
    problems = publish_problems(locked)
    if problems:
        raise PublishGuardError(problems)
    locked.version += 1
    locked.human_edited = True
    # The chief editor's correction is itself the approval of the new version.
    locked.approved_version = locked.version
    locked.save(
        update_fields=["version", "human_edited", "approved_version", "updated_at"]
    )
    revision = revision_create(
        briefing=locked,
        kind=BriefingRevision.Kind.CORRECTED,
        author=user,
        comment=note,
    )
    locked.live_revision = revision
    locked.save(update_fields=["live_revision"])
    audit_record(
        briefing=locked,
        action="corrected",
        actor=user,
        revision=revision,
        comment=note,
        data={
            "parts": changed,
            "from_version": locked.version - 1,
            "version": locked.version,
            "edit_metrics": briefing_edit_metrics(locked),
        },
    )
    _sync(briefing, locked)
    return briefing


@transaction.atomic
def revision_restore(
    *, briefing: Briefing, user, number: int, base_version: int | None
) -> BriefingRevision:
    """Write an old revision's content back as a new revision (history is kept)."""
    _check_permission(user, "change_briefing", "브리핑 수정")
    locked = _lock(briefing)
    if locked.status not in EDITABLE_STATES:
        raise IllegalTransition(
            f"‘{Status(locked.status).label}’ 상태에서는 "
            "이전 버전을 복원할 수 없습니다."
        )
    _check_version(locked, base_version)
    old = locked.revisions.filter(number=number).first()
    if old is None:
        raise WorkflowError(f"v{number} 리비전이 없습니다.")
    content = dict(old.content)
    # A restore never touches the public correction note.
    content.pop("correction_note", None)
    snapshot_apply(briefing=locked, content=content)
    revision = _new_version_after_edit(
        locked,
        user=user,
        kind=BriefingRevision.Kind.RESTORED,
        comment=f"v{number}에서 복원",
        action_code="revision_restored",
        data={"restored_from": number},
    )
    _sync(briefing, locked)
    return revision


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
        with transaction.atomic():
            locked = (
                Briefing.objects.select_for_update()
                .filter(pk=pk, status=Status.SCHEDULED)
                .first()
            )
            if locked is None:
                return False
            _commit_state(
                locked, Status.SCHEDULED, status=Status.APPROVED, publish_at=None
            )
            _transition_event(
                locked,
                user=None,
                action_code="schedule_failed",
                source=Status.SCHEDULED,
                comment=str(error),
            )
            notifications.notify_on_commit(
                "schedule_failed", briefing_id=pk, actor=None, comment=str(error)
            )
        logger.warning("scheduled publish of briefing %s failed: %s", pk, error)
        return False


def publish_due_briefings(*, now: dt.datetime | None = None) -> list[int]:
    """Publish every scheduled briefing whose time has come; safe to run twice."""
    now = now or timezone.now()
    due = list(
        Briefing.objects.filter(status=Status.SCHEDULED, publish_at__lte=now)
        .order_by("publish_at", "pk")
        .values_list("pk", flat=True)
    )
    return [pk for pk in due if _publish_scheduled_one(pk, now)]


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
