"""Edits of a briefing's text: saves, corrections and restored revisions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction

from prism.conf import prism_settings
from prism.models import (
    AuditEvent,
    Briefing,
    BriefingItem,
    BriefingRevision,
    BriefingSection,
)
from prism.services.audit import Actor, audit_record
from prism.services.edit_metrics import briefing_edit_metrics
from prism.services.revisions import revision_create, snapshot_apply
from prism.services.workflow.errors import (
    EditConflict,
    IllegalTransition,
    WorkflowError,
)
from prism.services.workflow.guards import require_complete
from prism.services.workflow.locking import (
    begin_transition,
    check_permission,
    lock_briefing,
    sync_instance,
)
from prism.services.workflow.rules import (
    EDITABLE_STATES,
    ITEM_EDITABLE_FIELDS,
    Status,
)

Action = AuditEvent.Action
SECTION_EDITABLE_FIELDS = ("heading", "body")


def _text(value: Any) -> str:
    """Browsers post textareas with CRLF line ends; store LF like the generator."""
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n")


def _edit_rows(
    rows: dict[int, models.Model],
    entries: Iterable[dict[str, Any]],
    *,
    key: str,
    fields: tuple[str, ...],
    name: str,
    missing: str,
    check: Callable[[Any, dict[str, Any], list[str]], None] | None = None,
    write_more: Callable[[Any, dict[str, Any]], list[str]] | None = None,
) -> list[str]:
    """Write each entry's ``fields`` onto the row with its ``key`` (a position or a
    rank); return the changed parts as ``<name><key>.<field>``.

    ``missing`` is the error for an unknown key ({} is the key); ``check`` may refuse
    an entry before anything of it is written, ``write_more`` writes the rest.
    """
    changed: list[str] = []
    for entry in entries:
        row = rows.get(entry.get(key))
        if row is None:
            raise WorkflowError(missing.format(entry.get(key)))
        names = [f for f in fields if f in entry and _text(entry[f]) != getattr(row, f)]
        if check is not None:
            check(row, entry, names)
        for f in names:
            setattr(row, f, _text(entry[f]))
        if names:
            row.save(update_fields=names)
            changed.extend(f"{name}{getattr(row, key)}.{f}" for f in names)
        if write_more is not None:
            changed.extend(write_more(row, entry))
    return changed


def _check_group(item: BriefingItem, entry: dict[str, Any], names: list[str]) -> None:
    if "group" in names and entry["group"] not in BriefingItem.Group.values:
        raise WorkflowError(f"{item.rank}번 기사의 구분 값이 잘못되었습니다.")


def _set_related(item: BriefingItem, entry: dict[str, Any]) -> list[str]:
    if "related_article_ids" not in entry:
        return []
    wanted = sorted({int(pk) for pk in entry["related_article_ids"]})
    current = sorted(item.related_articles.values_list("pk", flat=True))
    if wanted == current:
        return []
    item.related_articles.set(wanted)
    return [f"item{item.rank}.related_articles"]


def _apply_edit(locked: Briefing, data: dict[str, Any]) -> list[str]:
    """Write ``data`` onto the locked briefing; return the names of changed parts."""
    changed: list[str] = []
    for field in Briefing.EDITABLE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "keywords":
            value = [str(k).strip() for k in (value or []) if str(k).strip()]
        else:
            value = _text(value)
        if getattr(locked, field) != value:
            setattr(locked, field, value)
            changed.append(field)
    if changed:
        locked.save(update_fields=changed)
    if "sections" in data:
        changed += _edit_rows(
            {s.position: s for s in BriefingSection.objects.filter(briefing=locked)},
            data["sections"],
            key="position",
            fields=SECTION_EDITABLE_FIELDS,
            name="section",
            missing="{}번째 주제 섹션이 없습니다.",
        )
    if "items" in data:
        changed += _edit_rows(
            {i.rank: i for i in BriefingItem.objects.filter(briefing=locked)},
            data["items"],
            key="rank",
            fields=ITEM_EDITABLE_FIELDS,
            name="item",
            missing="{}번 기사가 없습니다.",
            check=_check_group,
            write_more=_set_related,
        )
    return changed


def _check_version(locked: Briefing, base_version: int | None) -> None:
    if base_version is None or int(base_version) != locked.version:
        raise EditConflict(
            base_version=int(base_version or 0), current_version=locked.version
        )


def new_version_after_edit(
    locked: Briefing,
    *,
    user: Actor,
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
            action=Action.APPROVAL_RESET,
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
    user: Actor,
    data: dict[str, Any],
    base_version: int | None,
    comment: str = "",
) -> Briefing:
    """Save a person's edit made on ``base_version``; refuse it if that is outdated.

    ``data`` holds any of ``Briefing.EDITABLE_FIELDS``, ``sections``
    ([{position, heading, body}]) and ``items``
    ([{rank, headline, summary, group, related_article_ids}]).
    """
    check_permission(user, "change_briefing", "브리핑 수정")
    locked = lock_briefing(briefing)
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
        new_version_after_edit(
            locked,
            user=user,
            kind=BriefingRevision.Kind.EDITED,
            comment=comment,
            action_code=Action.EDITED,
            data={"parts": changed},
        )
    sync_instance(briefing, locked)
    return briefing


@transaction.atomic
def briefing_correct(
    *,
    briefing: Briefing,
    user: Actor,
    data: dict[str, Any],
    base_version: int | None,
    correction_note: str,
) -> Briefing:
    """published → published: a new live revision plus a public correction note."""
    locked = begin_transition(briefing, user, "correct", correction_note)
    check_permission(user, "change_briefing", "브리핑 수정")
    _check_version(locked, base_version)
    changed = _apply_edit(locked, data)
    note = _text(correction_note).strip()
    if note != locked.correction_note:
        locked.correction_note = note
        locked.save(update_fields=["correction_note"])
        changed.append("correction_note")
    require_complete(locked)
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
        action=Action.CORRECTED,
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
    sync_instance(briefing, locked)
    return briefing


@transaction.atomic
def revision_restore(
    *, briefing: Briefing, user: Actor, number: int, base_version: int | None
) -> BriefingRevision:
    """Write an old revision's content back as a new revision (history is kept)."""
    check_permission(user, "change_briefing", "브리핑 수정")
    locked = lock_briefing(briefing)
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
    revision = new_version_after_edit(
        locked,
        user=user,
        kind=BriefingRevision.Kind.RESTORED,
        comment=f"v{number}에서 복원",
        action_code=Action.REVISION_RESTORED,
        data={"restored_from": number},
    )
    sync_instance(briefing, locked)
    return revision
