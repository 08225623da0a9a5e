""" "AI로 다시 쓰기": one part of a briefing rewritten by the generative composer.

The lead, a section (``section:N``), the keywords or an item's 핵심 요약
(``item:N``) is sent to the configured composer with the briefing's current
articles, checked by the grounding check like a morning draft, and written as a
new version (revision kind ``rewritten``, with the part's provenance: backend,
model, prompt version, grounding score, citations). Nothing is written when no
sentence survives the check, and a part a person edited is only replaced when the
caller passes ``overwrite=True`` (the editor was asked). The model is called
before the briefing is locked, so a slow server never holds the database.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from prism.composers.base import ComposerConfigurationError, get_composer
from prism.models import (
    AuditEvent,
    Briefing,
    BriefingItem,
    BriefingRevision,
    BriefingSection,
)
from prism.services.audit import Actor
from prism.services.composers import (
    PartResult,
    composer_settings,
    plan_parts,
    run_parts,
    ungrounded_finding,
)
from prism.services.composition import ComposedItem, ComposedSection, Composition
from prism.services.editing import PersonEditedPart, part_label
from prism.services.workflow import (
    EDITABLE_STATES,
    EditConflict,
    IllegalTransition,
    WorkflowError,
    WorkflowPermissionDenied,
    new_version_after_edit,
    user_has_perm,
)

Action = AuditEvent.Action
MACHINE_ACTIONS = frozenset(
    {Action.GENERATED, Action.REGENERATED, Action.RECOMPOSED, Action.REWRITTEN}
)
PERSON_ACTIONS = frozenset({Action.EDITED, Action.CORRECTED, Action.REVISION_RESTORED})


class RewriteRefused(WorkflowError):
    """The composer could not write a grounded version of the part."""


def rewrite_label(part: str) -> str:
    if part.startswith("item:"):
        return f"{part.split(':', 1)[1]}번 기사 핵심 요약"
    return part_label(part)


def audit_parts(part: str) -> list[str]:
    """The part names edits record in their audit events ("section2.body" …)."""
    kind, _, number = part.partition(":")
    if kind == "section":
        return [f"section{number}.heading", f"section{number}.body"]
    if kind == "item":
        return [f"item{number}.summary"]
    return [part]


def part_edited_by_person(briefing: Briefing, part: str) -> bool:
    """Whether the newest change to ``part`` was a person's (not a machine's)."""
    wanted = set(audit_parts(part))
    events = briefing.audit_events.filter(
        action__in=[*MACHINE_ACTIONS, *PERSON_ACTIONS]
    ).order_by("-created_at", "-id")
    for event in events:
        if event.action in (Action.GENERATED, Action.REGENERATED):
            return False
        if event.action == Action.REVISION_RESTORED:
            return True
        if wanted & set((event.data or {}).get("parts") or []):
            return event.action in PERSON_ACTIONS
    return False


def briefing_part_rewrite(
    *,
    briefing: Briefing,
    user: Actor,
    base_version: int | None,
    part: str,
    overwrite: bool = False,
) -> Briefing:
    """Rewrite ``part`` with the composer; a new version with its provenance."""
    _check(briefing, user, base_version, part, overwrite)
    result = _compose_part(briefing, part)
    if result.value is None:
        reason = result.provenance.get("fallback_reason") or "알 수 없는 이유"
        dropped = "; ".join(f"‘{s[:40]}’ ({why})" for s, why in result.dropped[:3])
        label = rewrite_label(part)
        raise RewriteRefused(
            f"AI가 {label}을(를) 출처에 맞게 쓰지 못해 바꾸지 않았습니다: {reason}"
            + (f". 뺀 문장: {dropped}" if dropped else "")
        )
    return _write(briefing, user, base_version, part, overwrite, result)


def _check(
    briefing: Briefing,
    user: Actor,
    base_version: int | None,
    part: str,
    overwrite: bool,
) -> None:
    if not user_has_perm(user, "change_briefing"):
        raise WorkflowPermissionDenied("‘브리핑 수정’ 권한이 없습니다.")
    if briefing.status not in EDITABLE_STATES:
        raise IllegalTransition(
            f"‘{briefing.get_status_display()}’ 상태에서는 AI로 다시 쓸 수 없습니다."
        )
    if base_version is None or int(base_version) != briefing.version:
        raise EditConflict(
            base_version=int(base_version or 0), current_version=briefing.version
        )
    kind, _, number = part.partition(":")
    if part not in ("lead", "keywords") and not (
        kind in ("section", "item") and number.isdigit()
    ):
        raise WorkflowError(f"AI로 다시 쓸 수 없는 부분입니다: {part}")
    if not overwrite and part_edited_by_person(briefing, part):
        raise PersonEditedPart([rewrite_label(part)])


def _compose_part(briefing: Briefing, part: str) -> PartResult:
    backend, options, service = composer_settings()
    if backend == "extractive":
        raise RewriteRefused(
            "AI 작성기가 설정되지 않았습니다(PRISM['COMPOSER_BACKEND'] = 'extractive')."
        )
    try:
        composer = get_composer(backend, **options)
    except ComposerConfigurationError as exc:
        raise RewriteRefused(f"AI 작성기 설정 오류: {exc}") from exc
    composition = current_composition(briefing)
    service = {**service, "summaries": part.startswith("item:")}
    plans = [p for p in plan_parts(briefing.reader_type, composition, service)]
    plans = [p for p in plans if p.key == part]
    if not plans:
        raise WorkflowError(f"{rewrite_label(part)}이(가) 이 브리핑에 없습니다.")
    return run_parts(composer, plans, service)[part]


def current_composition(briefing: Briefing) -> Composition:
    """The briefing as it is now, in the shape the composer's prompts read."""
    items = [
        ComposedItem(
            rank=item.rank,
            group=item.group,
            article=item.article,
            headline=item.headline,
            summary=item.summary,
            summary_sentences=list(item.summary_sentences or []),
            related_articles=list(item.related_articles.all()),
            selection_reason=item.selection_reason or {},
        )
        for item in briefing.items.select_related("article").order_by("rank")
        if item.article is not None
    ]
    if not items:
        raise WorkflowError("원문 기사가 연결된 기사가 없어 다시 쓸 수 없습니다.")
    clusters = _section_ranks(briefing)
    ranks = [item.rank for item in items]
    sections = [
        ComposedSection(
            position=section.position,
            heading=section.heading,
            body=section.body,
            ranks=[r for r in clusters.get(str(section.position), []) if r in ranks]
            or ranks,
        )
        for section in briefing.sections.order_by("position")
    ]
    fields = {name: getattr(briefing, name) for name in Briefing.EDITABLE_FIELDS}
    fields["keywords"] = list(fields["keywords"])
    return Composition(**fields, sections=sections, items=items)


def _section_ranks(briefing: Briefing) -> dict[str, list[int]]:
    """Which items each section is about, as the generator recorded it."""
    revision = (
        briefing.revisions.filter(kind=BriefingRevision.Kind.GENERATED)
        .order_by("-number")
        .first()
    )
    composer = (revision.provenance or {}).get("composer", {}) if revision else {}
    return composer.get("sections") or {}


@transaction.atomic
def _write(
    briefing: Briefing,
    user: Actor,
    base_version: int | None,
    part: str,
    overwrite: bool,
    result: PartResult,
) -> Briefing:
    locked = Briefing.objects.select_for_update().get(pk=briefing.pk)
    # The model took a while: check again against what is committed now.
    _check(locked, user, base_version, part, overwrite)
    _apply(locked, part, result.value)
    revision = new_version_after_edit(
        locked,
        user=user,
        kind=BriefingRevision.Kind.REWRITTEN,
        comment=f"{rewrite_label(part)}을(를) AI로 다시 씀",
        action_code=Action.REWRITTEN,
        data={"parts": audit_parts(part)},
    )
    findings = [
        ungrounded_finding(part, sentence, why) for sentence, why in result.dropped
    ]
    revision.provenance = {
        "by": "prism.services.rewrite",
        "rewritten": part,
        "composer": result.provenance,
        "findings": findings,
    }
    revision.save(update_fields=["provenance"])
    if findings:
        # The quality report was just refreshed from the text; what the model wrote
        # and the check dropped is listed there too, like a morning draft's.
        locked.quality_findings = [*(locked.quality_findings or []), *findings]
        locked.save(update_fields=["quality_findings"])
    for field in Briefing._meta.concrete_fields:
        setattr(briefing, field.attname, getattr(locked, field.attname))
    return briefing


def _apply(locked: Briefing, part: str, value: Any) -> None:
    kind, _, number = part.partition(":")
    if part == "lead":
        locked.lead = value
        locked.save(update_fields=["lead", "updated_at"])
    elif part == "keywords":
        locked.keywords = list(value)
        locked.save(update_fields=["keywords", "updated_at"])
    elif kind == "section":
        heading, body = value
        BriefingSection.objects.filter(briefing=locked, position=int(number)).update(
            heading=heading[:200], body=body
        )
    else:
        summary, sentences = value
        BriefingItem.objects.filter(briefing=locked, rank=int(number)).update(
            summary=summary, summary_sentences=sentences
        )
