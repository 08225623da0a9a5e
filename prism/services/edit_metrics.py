"""How much people changed the AI draft: character-level edit ratios per part.

The ratio of a part is ``1 - SequenceMatcher(a, b).ratio()`` over characters: 0 when
the editors left the AI's text as it was, 1 when nothing of it survived. Parts are
weighted by the length of the AI's text for the overall figure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from difflib import SequenceMatcher
from typing import Any

from prism.models import AuditEvent, Briefing, BriefingRevision

PART_LABELS = {
    "headline": "제목",
    "lead": "리드",
    "sections": "주제 섹션",
    "item_headlines": "기사 제목",
    "summaries": "핵심 요약",
    "keywords": "키워드",
    "overall": "전체",
}


def edit_ratio(original: str, edited: str) -> float:
    """Share of characters changed between two texts (0.0 unchanged … 1.0 rewritten)."""
    if original == edited:
        return 0.0
    if not original or not edited:
        return 1.0
    matcher = SequenceMatcher(None, original, edited, autojunk=False)
    return round(1.0 - matcher.ratio(), 4)


def _parts(content: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Each part as (key, text) units, so units are compared one to one."""
    return {
        "headline": [("headline", content.get("headline", ""))],
        "lead": [("lead", content.get("lead", ""))],
        "sections": [
            (f"s{s['position']}", f"{s.get('heading', '')}\n{s.get('body', '')}")
            for s in content.get("sections", [])
        ],
        "item_headlines": [
            (f"i{i['rank']}", i.get("headline", "")) for i in content.get("items", [])
        ],
        "summaries": [
            (f"i{i['rank']}", i.get("summary", "")) for i in content.get("items", [])
        ],
        "keywords": [("keywords", ", ".join(content.get("keywords", [])))],
    }


def content_edit_metrics(
    original: dict[str, Any], edited: dict[str, Any]
) -> dict[str, float]:
    """Edit ratio per part and overall between two snapshots."""
    before, after = _parts(original), _parts(edited)
    metrics: dict[str, float] = {}
    total_weight = 0
    total_changed = 0.0
    for part, units in before.items():
        after_units = dict(after.get(part, []))
        weight = 0
        changed = 0.0
        for key, text in units:
            unit_weight = max(len(text), 1)
            changed += edit_ratio(text, after_units.get(key, "")) * unit_weight
            weight += unit_weight
        metrics[part] = round(changed / weight, 4) if weight else 0.0
        total_weight += weight
        total_changed += changed
    metrics["overall"] = round(total_changed / total_weight, 4) if total_weight else 0.0
    return metrics


def briefing_edit_metrics(briefing: Briefing) -> dict[str, float] | None:
    """Edit ratios of the briefing's current state vs its AI original (None if none)."""
    from prism.services.revisions import briefing_snapshot, revision_original

    original = revision_original(briefing)
    if original is None:
        return None
    return content_edit_metrics(original.content, briefing_snapshot(briefing))


def revision_edit_metrics(
    original: BriefingRevision, edited: BriefingRevision
) -> dict[str, float]:
    return content_edit_metrics(original.content, edited.content)


def _latest_metric_events(since: dt.date | None) -> dict[int, AuditEvent]:
    """Per published briefing, its latest publish/correction event with metrics."""
    events = (
        AuditEvent.objects.filter(
            action__in=[AuditEvent.Action.PUBLISHED, AuditEvent.Action.CORRECTED]
        )
        .select_related("briefing__reader_type")
        .order_by("briefing_id", "-created_at", "-id")
    )
    if since is not None:
        events = events.filter(briefing__edition_date__gte=since)
    latest: dict[int, AuditEvent] = {}
    for event in events:
        if event.briefing_id is None or event.briefing_id in latest:
            continue
        if event.briefing.status != Briefing.Status.PUBLISHED:
            continue
        if not (event.data or {}).get("edit_metrics"):
            continue
        latest[event.briefing_id] = event
    return latest


def edit_metrics_per_briefing(
    *, since: dt.date | None = None, limit: int = 100
) -> list[tuple[Briefing, dict[str, float]]]:
    """Each published briefing (newest edition first) with its edit ratios."""
    events = sorted(
        _latest_metric_events(since).values(),
        key=lambda e: (e.briefing.edition_date, e.briefing.reader_type.ordering),
        reverse=True,
    )
    return [(e.briefing, e.data["edit_metrics"]) for e in events[:limit]]


def edit_metrics_summary(
    *, since: dt.date | None = None, period: str = "week"
) -> list[dict[str, Any]]:
    """Average edit ratios per reader type and week (or month) of published editions.

    Reads the metrics stored on each briefing's latest "published"/"corrected"
    audit event, so the summary costs no diffing.
    """
    latest = _latest_metric_events(since)
    groups: dict[tuple[str, str], list[dict[str, float]]] = defaultdict(list)
    for event in latest.values():
        date = event.briefing.edition_date
        if period == "month":
            key = f"{date:%Y-%m}"
        else:
            year, week, _ = date.isocalendar()
            key = f"{year}-W{week:02d}"
        groups[(event.briefing.reader_type.name, key)].append(
            event.data["edit_metrics"]
        )
    rows = []
    # Newest period first; reader types alphabetically within a period.
    ordered = sorted(groups.items(), key=lambda kv: kv[0][0])
    ordered.sort(key=lambda kv: kv[0][1], reverse=True)
    for (reader_type, key), metrics in ordered:
        row: dict[str, Any] = {
            "reader_type": reader_type,
            "period": key,
            "count": len(metrics),
            "unchanged": sum(1 for m in metrics if m.get("overall", 0) == 0),
        }
        for part in PART_LABELS:
            values = [m.get(part, 0.0) for m in metrics]
            row[part] = round(sum(values) / len(values), 4)
        rows.append(row)
    return rows
