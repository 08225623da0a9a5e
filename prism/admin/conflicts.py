"""Recovering a save refused because someone saved first (a stale version).

The refused form comes back with what this person typed in the parts they
changed, and the current version's text everywhere else, so pressing 저장 again
re-applies exactly their own changes on top of the new version. Each part both
people changed is shown side by side.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from prism.models import Briefing, BriefingRevision

FIELD_LABELS = {
    "headline": "제목",
    "header_line": "머리글",
    "editors_note": "편집자 주",
    "lead": "리드",
    "keywords": "키워드 TOP 5",
    "footer": "저작권 문구",
}


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _merge_field(merged, rows, name, label, mine, base, current) -> None:
    if _text(mine) == _text(base):
        # Untouched by this person: take the newer text.
        merged[name] = current
    elif _text(current) != _text(base) and _text(current) != _text(mine):
        rows.append({"label": label, "mine": mine, "theirs": _text(current)})


def conflict_merge(
    post: QueryDict, briefing: Briefing, base_version: int
) -> tuple[QueryDict, list[dict[str, str]]]:
    """The form data to show again, and the parts both people changed."""
    revision = BriefingRevision.objects.filter(
        briefing=briefing, number=base_version
    ).first()
    base = revision.content if revision else {}
    merged = post.copy()
    rows: list[dict[str, str]] = []
    for name, label in FIELD_LABELS.items():
        if name in post:
            current = getattr(briefing, name)
            if name == "keywords":
                current = ", ".join(current or [])
            _merge_field(
                merged, rows, name, label, post[name], base.get(name, post[name]),
                current,
            )  # fmt: skip
    sections = {s.pk: s for s in briefing.sections.all()}
    base_sections = {s["position"]: s for s in base.get("sections", [])}
    for index in range(_total(post, "sections")):
        section = sections.get(_int(post.get(f"sections-{index}-id")))
        if section is None:
            continue
        old = base_sections.get(section.position, {})
        for field, word in (("heading", "주제"), ("body", "본문")):
            key = f"sections-{index}-{field}"
            if key in post:
                _merge_field(
                    merged, rows, key, f"{section.position}번째 주제 섹션 {word}",
                    post[key], old.get(field, post[key]), getattr(section, field),
                )  # fmt: skip
    items = {i.pk: i for i in briefing.items.all()}
    base_items = {i.get("article_id"): i for i in base.get("items", [])}
    for index in range(_total(post, "items")):
        item = items.get(_int(post.get(f"items-{index}-id")))
        if item is None:
            continue
        old = base_items.get(item.article_id, {})
        for field, word in (("headline", "제목"), ("summary", "핵심 요약")):
            key = f"items-{index}-{field}"
            if key in post:
                _merge_field(
                    merged, rows, key, f"{item.rank}번 기사 {word}",
                    post[key], old.get(field, post[key]), getattr(item, field),
                )  # fmt: skip
    return merged, rows


def _total(post: QueryDict, prefix: str) -> int:
    return _int(post.get(f"{prefix}-TOTAL_FORMS")) or 0


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
