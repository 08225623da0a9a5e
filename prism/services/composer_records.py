"""The generative composer's records: cost on the run, citations for editors."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from prism.models import Article, GenerationRun, ReaderType

# ------------------------------------------------------------------ usage


@transaction.atomic
def composer_usage_record(
    *, run: GenerationRun, reader_type: ReaderType, usage: dict[str, Any]
) -> None:
    """Add one briefing's tokens and time to its run (per reader type and total)."""
    locked = GenerationRun.objects.select_for_update().get(pk=run.pk)
    record = dict(locked.composer_usage or {})
    per_type = dict(record.get("reader_types") or {})
    per_type[reader_type.slug] = {"name": reader_type.name, **usage}
    total: dict[str, float] = {}
    for entry in per_type.values():
        for key in ("requests", "tokens_in", "tokens_out", "seconds", "fallbacks"):
            total[key] = round(total.get(key, 0) + float(entry.get(key, 0)), 3)
    record.update(reader_types=per_type, total=total)
    locked.composer_usage = record
    locked.save(update_fields=["composer_usage"])
    run.composer_usage = record


# ------------------------------------------------------------------- reads


def composer_usage_rows(run: GenerationRun) -> list[dict[str, Any]]:
    """The run's composer cost per reader type, then the total (for the admin)."""
    usage = run.composer_usage or {}
    rows = [
        {"label": entry.get("name", slug), **entry}
        for slug, entry in (usage.get("reader_types") or {}).items()
    ]
    if rows:
        rows.append({"label": "합계", **(usage.get("total") or {})})
    return rows


def part_citations(briefing: Any) -> dict[str, list[dict[str, Any]]]:
    """Per part, each model-written sentence and the source sentences behind it.

    Read from the newest revision that recorded the composer's provenance (the AI
    draft or an "AI로 다시 쓰기"), for editors to see on hover. A part a person
    edited since keeps its entry; the admin shows it only for sentences still there.
    """
    parts: dict[str, dict[str, Any]] = {}
    revisions = briefing.revisions.filter(kind__in=["generated", "rewritten"]).order_by(
        "number"
    )
    for revision in revisions:
        provenance = revision.provenance or {}
        if revision.kind == "rewritten" and provenance.get("rewritten"):
            parts[provenance["rewritten"]] = provenance.get("composer") or {}
        else:
            parts.update((provenance.get("composer") or {}).get("parts") or {})
    ids = {
        c["article_id"]
        for part in parts.values()
        for cited in part.get("citations") or []
        for c in cited
    }
    articles = Article.objects.in_bulk(ids)
    result: dict[str, list[dict[str, Any]]] = {}
    for key, part in parts.items():
        if part.get("written_by") != "model":
            continue
        entries = []
        texts = part.get("cited_sentences") or []
        for index, cited in enumerate(part.get("citations") or []):
            sources = [
                {
                    "article_id": c["article_id"],
                    "headline": articles[c["article_id"]].headline,
                    "excerpt": articles[c["article_id"]].body[c["start"] : c["end"]],
                }
                for c in cited
                if c.get("article_id") in articles and c.get("start", -1) >= 0
            ]
            sentence = texts[index] if index < len(texts) else ""
            entries.append({"sentence": sentence, "sources": sources})
        result[key] = entries
    return result


def citation_panel(briefing: Any) -> list[dict[str, Any]]:
    """For the admin: each part's model-written sentences still in the draft, with
    the source sentences behind them as hover text."""
    texts = {"lead": briefing.lead or ""}
    labels = {"lead": "리드"}
    for section in briefing.sections.all():
        key = f"section:{section.position}"
        texts[key] = section.body or ""
        labels[key] = f"■ {section.heading}"
    for item in briefing.items.all():
        key = f"item:{item.rank}"
        texts[key] = item.summary or ""
        labels[key] = f"{item.rank}번 기사 핵심 요약"
    panel = []
    for key, entries in part_citations(briefing).items():
        shown = [
            {
                "text": entry["sentence"],
                "title": "\n".join(
                    f"[{source['headline']}] {source['excerpt']}"
                    for source in entry["sources"]
                )
                or "출처 문장 위치 없음",
            }
            for entry in entries
            if entry["sentence"] and entry["sentence"] in texts.get(key, "")
        ]
        if shown:
            panel.append({"label": labels.get(key, key), "sentences": shown})
    return panel
