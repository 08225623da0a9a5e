"""Editors' changes beyond typing: the selection, recomposed parts, regeneration.

Every function here locks the briefing, refuses an outdated ``base_version`` (no
lost edits), writes a new version with a revision that says where the change came
from (``provenance``) and audits it. Machine-made text never replaces a part a
person edited unless the caller passes ``overwrite=True`` (the editor was asked).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from prism.conf import prism_settings
from prism.models import (
    Article,
    AuditEvent,
    Briefing,
    BriefingItem,
    BriefingRevision,
    BriefingSection,
)
from prism.services.audit import Actor, audit_record
from prism.services.workflow import (
    EDITABLE_STATES,
    EditConflict,
    IllegalTransition,
    PublishGuardError,
    WorkflowError,
    WorkflowPermissionDenied,
    briefing_correct,
    briefing_save_edit,
    briefing_transition,
    new_version_after_edit,
    publish_problems,
    user_has_perm,
)

Status = Briefing.Status
Action = AuditEvent.Action
# The audit actions that write a part's text, by a person or by the machine.
PART_WRITING_ACTIONS = [
    Action.GENERATED,
    Action.EDITED,
    Action.CORRECTED,
    Action.REVISION_RESTORED,
    Action.RECOMPOSED,
    Action.REGENERATED,
]
MACHINE = "prism.services.editing"


class PersonEditedPart(WorkflowError):
    """Machine text would replace a part a person wrote; the editor must confirm."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        super().__init__(
            "사람이 고친 부분이 있습니다: "
            + ", ".join(labels)
            + ". 덮어쓰려면 확인 후 다시 누르세요."
        )


# --- saving the form and pressing a workflow button in one step --------------------


@transaction.atomic
def briefing_save_and_transition(
    *,
    briefing: Briefing,
    user: Actor,
    action: str,
    data: dict[str, Any] | None,
    base_version: int | None,
    comment: str = "",
    publish_at=None,
    correction_note: str = "",
) -> Briefing:
    """Save the typed edit, then run the workflow ``action``: both or neither.

    The transition is applied to the version the save produced, so nobody else's
    change can slip in between; any refusal rolls the save back as well.
    """
    if data:
        if briefing.status == Status.PUBLISHED:
            briefing_correct(
                briefing=briefing,
                user=user,
                data=data,
                base_version=base_version,
                correction_note=correction_note,
            )
        else:
            briefing_save_edit(
                briefing=briefing, user=user, data=data, base_version=base_version
            )
        expected = briefing.version
    else:
        expected = base_version
    if action == "withdraw":
        return briefing_withdraw(
            briefing=briefing, user=user, comment=comment, expected_version=expected
        )
    if action == "approve":
        # Approving something that cannot go live only leads to a dead end.
        problems = publish_problems(briefing)
        if problems:
            raise PublishGuardError(problems)
    return briefing_transition(
        briefing=briefing,
        user=user,
        action=action,
        comment=comment,
        publish_at=publish_at,
        expected_version=expected,
    )


def briefing_submitter(briefing: Briefing):
    """Who sent the briefing to review most recently (None if nobody did)."""
    event = (
        briefing.audit_events.filter(action=Action.SUBMITTED)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    return event.actor if event else None


def can_withdraw(briefing: Briefing, user: Actor) -> bool:
    """The person who submitted it may take a submission back (chief editors
    send it back with 수정 요청 instead)."""
    if briefing.status != Status.IN_REVIEW or user is None:
        return False
    submitter = briefing_submitter(briefing)
    return (
        user_has_perm(user, "submit_briefing")
        and submitter is not None
        and submitter.pk == user.pk
    )


@transaction.atomic
def briefing_withdraw(
    *,
    briefing: Briefing,
    user: Actor,
    comment: str = "",
    expected_version: int | None = None,
) -> Briefing:
    """in_review → draft, by the person who submitted it."""
    locked = Briefing.objects.select_for_update().get(pk=briefing.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise EditConflict(
            base_version=int(expected_version),
            current_version=locked.version,
            hint="바뀐 내용을 확인한 뒤 다시 결정하세요.",
        )
    if locked.status != Status.IN_REVIEW:
        raise IllegalTransition("검토 중인 브리핑만 검토 요청을 취소할 수 있습니다.")
    if not can_withdraw(locked, user):
        raise WorkflowPermissionDenied("검토를 요청한 사람만 취소할 수 있습니다.")
    Briefing.objects.filter(pk=locked.pk, version=locked.version).update(
        status=Status.DRAFT, approved_version=None, updated_at=timezone.now()
    )
    locked.refresh_from_db()
    audit_record(
        briefing=locked,
        action=Action.WITHDRAWN,
        actor=user,
        comment=comment,
        data={"from": Status.IN_REVIEW, "to": Status.DRAFT, "version": locked.version},
    )
    for field in Briefing._meta.concrete_fields:
        setattr(briefing, field.attname, getattr(locked, field.attname))
    return briefing


# --- the selection ------------------------------------------------------------------


def _begin(briefing: Briefing, user: Actor, base_version: int | None) -> Briefing:
    if not user_has_perm(user, "change_briefing"):
        raise WorkflowPermissionDenied("‘브리핑 수정’ 권한이 없습니다.")
    locked = Briefing.objects.select_for_update().get(pk=briefing.pk)
    if locked.status not in EDITABLE_STATES:
        raise IllegalTransition(
            f"‘{locked.get_status_display()}’ 상태에서는 기사 구성을 바꿀 수 없습니다."
        )
    if base_version is None or int(base_version) != locked.version:
        raise EditConflict(
            base_version=int(base_version or 0), current_version=locked.version
        )
    return locked


def _finish(
    locked: Briefing,
    briefing: Briefing,
    *,
    user: Actor,
    action_code: str,
    comment: str,
    parts: list[str],
    provenance: dict[str, Any] | None = None,
    kind: str = BriefingRevision.Kind.EDITED,
) -> Briefing:
    revision = new_version_after_edit(
        locked,
        user=user,
        kind=kind,
        comment=comment,
        action_code=action_code,
        data={"parts": parts},
    )
    if provenance:
        revision.provenance = {"by": MACHINE, **provenance}
        revision.save(update_fields=["provenance"])
    for field in Briefing._meta.concrete_fields:
        setattr(briefing, field.attname, getattr(locked, field.attname))
    return briefing


def _items(locked: Briefing) -> list[BriefingItem]:
    return list(BriefingItem.objects.filter(briefing=locked).order_by("rank"))


def _renumber(items: list[BriefingItem]) -> None:
    """Ranks 1..n in list order; the 관심/참고 split follows the rank."""
    interest = int(prism_settings.INTEREST_ITEMS)
    # Two passes: the (briefing, rank) constraint forbids a moment with duplicates.
    for offset, item in enumerate(items, start=1):
        BriefingItem.objects.filter(pk=item.pk).update(rank=1000 + offset)
    for rank, item in enumerate(items, start=1):
        item.rank = rank
        item.group = (
            BriefingItem.Group.INTEREST
            if rank <= interest
            else BriefingItem.Group.REFERENCE
        )
        BriefingItem.objects.filter(pk=item.pk).update(rank=rank, group=item.group)


def _summary_for(article: Article):
    from prism.services.composition import item_summary

    return item_summary(article)


def _refuse_duplicate(locked: Briefing, article: Article, keep_rank: int = 0) -> None:
    clash = (
        BriefingItem.objects.filter(briefing=locked, article=article)
        .exclude(rank=keep_rank)
        .first()
    )
    if clash is not None:
        raise WorkflowError(f"이 기사는 이미 {clash.rank}번 기사로 들어 있습니다.")


def _item_fields(article: Article, reason: dict[str, Any] | None) -> dict[str, Any]:
    summary = _summary_for(article)
    return {
        "article": article,
        "headline": article.headline[:500],
        "summary": summary.text,
        "summary_sentences": list(summary.sentences or []),
        "selection_reason": {**(reason or {}), "chosen_by_editor": True},
    }


@transaction.atomic
def briefing_item_replace(
    *,
    briefing: Briefing,
    user: Actor,
    base_version: int | None,
    rank: int,
    article: Article,
    reason: dict[str, Any] | None = None,
) -> Briefing:
    """Put ``article`` in place of item ``rank`` with its 핵심 요약."""
    # The summary may have to be made now; do it before taking the row lock.
    fields = _item_fields(article, reason)
    locked = _begin(briefing, user, base_version)
    item = BriefingItem.objects.filter(briefing=locked, rank=rank).first()
    if item is None:
        raise WorkflowError(f"{rank}번 기사가 없습니다.")
    _refuse_duplicate(locked, article, keep_rank=rank)
    old_headline = item.headline
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    item.related_articles.clear()
    return _finish(
        locked,
        briefing,
        user=user,
        action_code=Action.ITEM_REPLACED,
        comment=f"{rank}번 기사 교체: {old_headline} → {article.headline}",
        parts=[f"item{rank}.article", f"item{rank}.summary"],
    )


@transaction.atomic
def briefing_item_add(
    *,
    briefing: Briefing,
    user: Actor,
    base_version: int | None,
    article: Article,
    reason: dict[str, Any] | None = None,
) -> Briefing:
    """Add ``article`` as the last item."""
    fields = _item_fields(article, reason)
    locked = _begin(briefing, user, base_version)
    _refuse_duplicate(locked, article)
    items = _items(locked)
    rank = len(items) + 1
    BriefingItem.objects.create(briefing=locked, rank=1000, group="reference", **fields)
    _renumber(_items(locked))
    return _finish(
        locked,
        briefing,
        user=user,
        action_code=Action.ITEM_ADDED,
        comment=f"{rank}번 기사 추가: {article.headline}",
        parts=[f"item{rank}.article"],
    )


@transaction.atomic
def briefing_item_remove(
    *, briefing: Briefing, user: Actor, base_version: int | None, rank: int
) -> Briefing:
    """Take item ``rank`` out; the items below move up."""
    locked = _begin(briefing, user, base_version)
    items = _items(locked)
    item = next((i for i in items if i.rank == rank), None)
    if item is None:
        raise WorkflowError(f"{rank}번 기사가 없습니다.")
    item.delete()
    _renumber([i for i in items if i.pk != item.pk])
    return _finish(
        locked,
        briefing,
        user=user,
        action_code=Action.ITEM_REMOVED,
        comment=f"{rank}번 기사 뺌: {item.headline}",
        parts=[f"item{rank}.article"],
    )


@transaction.atomic
def briefing_item_move(
    *, briefing: Briefing, user: Actor, base_version: int | None, rank: int, offset: int
) -> Briefing:
    """Move item ``rank`` up (offset -1) or down (+1) one place."""
    locked = _begin(briefing, user, base_version)
    items = _items(locked)
    index = next((n for n, i in enumerate(items) if i.rank == rank), None)
    if index is None:
        raise WorkflowError(f"{rank}번 기사가 없습니다.")
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(items):
        raise WorkflowError("더 옮길 수 없습니다.")
    items[index], items[target] = items[target], items[index]
    _renumber(items)
    return _finish(
        locked,
        briefing,
        user=user,
        action_code=Action.ITEM_MOVED,
        comment=f"{rank}번 기사를 {target + 1}번으로 옮김",
        parts=[f"item{index + 1}.rank", f"item{target + 1}.rank"],
    )


# --- recomposing parts from the current items ---------------------------------------

PART_LABELS = {"lead": "리드", "keywords": "키워드 TOP 5"}


def part_label(part: str) -> str:
    """Korean name of a recomposable part: lead, keywords or section:N."""
    if part.startswith("section:"):
        return f"{part.split(':', 1)[1]}번째 주제 섹션"
    return PART_LABELS.get(part, part)


def _audit_parts(part: str) -> list[str]:
    if part.startswith("section:"):
        number = part.split(":", 1)[1]
        return [f"section{number}.heading", f"section{number}.body"]
    return [part]


def part_edited_by_person(briefing: Briefing, part: str) -> bool:
    """Whether the newest change to ``part`` was a person's (not the machine's)."""
    wanted = set(_audit_parts(part))
    events = briefing.audit_events.filter(action__in=PART_WRITING_ACTIONS).order_by(
        "-created_at", "-id"
    )
    for event in events:
        if event.action in (Action.GENERATED, Action.REGENERATED):
            return False
        if event.action == Action.REVISION_RESTORED:
            return True
        if wanted & set((event.data or {}).get("parts") or []):
            return event.action != Action.RECOMPOSED
    return False


def selection_from_items(briefing: Briefing):
    """A Selection whose items are the briefing's current items, for composing."""
    from prism.services.selection import (
        SelectedItem,
        Selection,
        edition_window,
        matched_keywords,
    )

    reader_type = briefing.reader_type
    items = [
        SelectedItem(
            rank=item.rank,
            group=item.group,
            article=item.article,
            score=float((item.selection_reason or {}).get("score") or 0.0),
            components=dict((item.selection_reason or {}).get("components") or {}),
            matched_keywords=matched_keywords(
                item.article, reader_type.interests or {}
            ),
            related=list(item.related_articles.all()),
        )
        for item in briefing.items.select_related("article").order_by("rank")
        if item.article is not None
    ]
    return Selection(
        reader_type=reader_type,
        edition_date=briefing.edition_date,
        window=edition_window(briefing.edition_date),
        pool_size=len(items),
        items=items,
    )


def _refuse_empty(composition, part: str) -> None:
    """Never replace a part with nothing (too few distinct sentences left)."""
    if part == "lead":
        empty = not composition.lead.strip()
    elif part == "keywords":
        empty = not composition.keywords
    else:
        position = int(part.split(":", 1)[1])
        empty = not any(
            s.position == position and s.body.strip() for s in composition.sections
        )
    if empty:
        raise WorkflowError(
            f"지금 기사들로는 {part_label(part)}을(를) 새로 쓸 문장이 부족합니다. "
            "기사를 바꾸거나 직접 고쳐 주세요."
        )


def _compose_current(briefing: Briefing):
    from prism.services.composition import ItemSummary, briefing_compose

    selection = selection_from_items(briefing)
    if not selection.items:
        raise WorkflowError("원문 기사가 연결된 기사가 없어 다시 쓸 수 없습니다.")
    # The editors' own summaries, not the stored ones, feed the lead and sections.
    summaries = {
        item.article_id: ItemSummary(
            text=item.summary, sentences=list(item.summary_sentences or [])
        )
        for item in briefing.items.all()
        if item.article_id
    }
    return briefing_compose(selection=selection, summaries=summaries)


@transaction.atomic
def briefing_recompose_part(
    *,
    briefing: Briefing,
    user: Actor,
    base_version: int | None,
    part: str,
    overwrite: bool = False,
) -> Briefing:
    """Write the lead, one section (``section:N``) or the keywords anew."""
    if not re.fullmatch(r"lead|keywords|section:\d+", part or ""):
        raise WorkflowError(f"다시 쓸 수 없는 부분입니다: {part}")
    locked = _begin(briefing, user, base_version)
    if not overwrite and part_edited_by_person(locked, part):
        raise PersonEditedPart([part_label(part)])
    composition = _compose_current(locked)
    _refuse_empty(composition, part)
    if part == "lead":
        locked.lead = composition.lead
        locked.save(update_fields=["lead"])
    elif part == "keywords":
        locked.keywords = list(composition.keywords)
        locked.save(update_fields=["keywords"])
    elif part.startswith("section:"):
        position = int(part.split(":", 1)[1])
        composed = next(
            (s for s in composition.sections if s.position == position), None
        )
        section = BriefingSection.objects.filter(
            briefing=locked, position=position
        ).first()
        if composed is None or section is None:
            raise WorkflowError(f"{position}번째 주제 섹션을 만들 수 없습니다.")
        section.heading = composed.heading[:200]
        section.body = composed.body
        section.save(update_fields=["heading", "body"])
    else:
        raise WorkflowError(f"다시 쓸 수 없는 부분입니다: {part}")
    return _finish(
        locked,
        briefing,
        user=user,
        action_code=Action.RECOMPOSED,
        comment=f"{part_label(part)}을(를) 지금 기사로 다시 씀",
        parts=_audit_parts(part),
        provenance={
            "recomposed": part,
            "from_items": [i.article.pk for i in selection_from_items(locked).items],
            "summarizers": composition.summarizers,
        },
    )


@transaction.atomic
def briefing_regenerate(
    *,
    briefing: Briefing,
    user: Actor,
    base_version: int | None,
    overwrite: bool = False,
) -> Briefing:
    """Select and compose the whole draft again, as the morning's generator would."""
    from prism.services.composition import briefing_compose
    from prism.services.generation import generation_provenance
    from prism.services.revisions import snapshot_apply
    from prism.services.selection import briefing_select

    locked = _begin(briefing, user, base_version)
    if locked.status != Status.DRAFT:
        raise IllegalTransition("초안 상태에서만 전체를 다시 만들 수 있습니다.")
    if locked.human_edited and not overwrite:
        raise PersonEditedPart(["사람이 고친 초안 전체"])
    selection = briefing_select(
        reader_type=locked.reader_type, edition_date=locked.edition_date
    )
    if selection.skipped_reason:
        raise WorkflowError(selection.skipped_reason)
    composition = briefing_compose(selection=selection)
    snapshot_apply(briefing=locked, content=_content(composition, locked))
    locked.generation_notes = "\n".join(composition.notes)
    locked.save(update_fields=["generation_notes"])
    _finish(
        locked,
        briefing,
        user=user,
        action_code=Action.REGENERATED,
        comment="편집자가 AI 초안을 다시 만듦",
        parts=["all"],
        provenance=generation_provenance(composition, selection, None),
        kind=BriefingRevision.Kind.GENERATED,
    )
    # Machine text again: the nightly generator may replace it like any AI draft.
    Briefing.objects.filter(pk=locked.pk).update(human_edited=False)
    briefing.human_edited = False
    return briefing


def _content(composition, briefing: Briefing) -> dict[str, Any]:
    from prism.services.generation import composition_values

    return {
        **composition_values(composition),
        "correction_note": briefing.correction_note,
        "sections": [
            {"position": s.position, "heading": s.heading[:200], "body": s.body}
            for s in composition.sections
        ],
        "items": [
            {
                "rank": i.rank,
                "group": i.group,
                "article_id": i.article.pk,
                "headline": i.headline[:500],
                "summary": i.summary,
                "summary_sentences": i.summary_sentences,
                "related_article_ids": [a.pk for a in i.related_articles],
                "selection_reason": i.selection_reason,
            }
            for i in composition.items
        ],
    }
