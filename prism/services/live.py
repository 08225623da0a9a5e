"""What is live is exactly the published revision.

A published briefing's page, feed entry, e-mail and API record render its live
revision's snapshot, links and headlines of the source articles included, so a
source re-imported (or edited in the admin) with a new URL after publication never
changes what readers see. Editors are told instead: the change is recorded in the
briefing's audit trail and listed by :func:`live_source_changes`; whether to
publish a correction is their call.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from prism.models import Article, AuditEvent, Briefing, BriefingItem
from prism.services.audit import audit_record
from prism.services.revisions import snapshot_article_ids, snapshot_as_briefing

SOURCE_CHANGED = AuditEvent.Action.SOURCE_CHANGED


def _renders_live(briefing: Briefing) -> bool:
    return briefing.status == Briefing.Status.PUBLISHED and bool(
        briefing.live_revision_id
    )


def live_views(briefings: list[Briefing]) -> list[Any]:
    """Each briefing as the public sees it: published ones with a live revision as
    that revision (one query for all their articles), others as they are.

    Load the briefings with ``select_related("live_revision")``.
    """
    contents = [
        b.live_revision.content if _renders_live(b) else None for b in briefings
    ]
    ids = set().union(*(snapshot_article_ids(c) for c in contents if c))
    articles = Article.objects.in_bulk(ids) if ids else {}
    return [
        snapshot_as_briefing(briefing, content, articles=articles)
        if content
        else briefing
        for briefing, content in zip(briefings, contents, strict=True)
    ]


def live_view(briefing: Briefing) -> Any:
    """One briefing as the public sees it (see :func:`live_views`)."""
    return live_views([briefing])[0]


def _recorded_references(content: dict[str, Any]) -> dict[int, dict[str, str]]:
    """What a snapshot recorded of each article: {id: {"url", "headline"?}}."""
    recorded: dict[int, dict[str, str]] = {}
    for item in content.get("items", []):
        if item.get("article_id"):
            recorded[item["article_id"]] = {"url": item.get("article_url", "")}
        for entry in item.get("related_articles", []):
            if entry.get("id") and entry["id"] not in recorded:
                recorded[entry["id"]] = {
                    "url": entry.get("url", ""),
                    "headline": entry.get("headline", ""),
                }
    return recorded


def _differences(recorded: dict[str, str], article: Article | None) -> list[str]:
    if article is None:
        return ["기사가 삭제됨"]
    changes = []
    if recorded.get("url", article.url) != article.url:
        changes.append(
            f"원문 URL {recorded['url'] or '(없음)'} → {article.url or '(없음)'}"
        )
    if recorded.get("headline", article.headline) != article.headline:
        changes.append(f"제목 ‘{recorded['headline']}’ → ‘{article.headline}’")
    return changes


def live_source_changes(briefing: Briefing) -> list[str]:
    """How the source articles of a published briefing changed since its live
    revision (URLs, related headlines, deletions); [] when nothing did."""
    if not _renders_live(briefing):
        return []
    recorded = _recorded_references(briefing.live_revision.content)
    articles = Article.objects.in_bulk(recorded)
    return [
        f"기사 #{pk}: {change}"
        for pk, references in recorded.items()
        for change in _differences(references, articles.get(pk))
    ]


def _live_briefings_citing(article: Article):
    cited = BriefingItem.objects.filter(
        Q(article=article) | Q(related_articles=article)
    ).values("briefing_id")
    return Briefing.objects.filter(
        pk__in=cited, status=Briefing.Status.PUBLISHED, live_revision__isnull=False
    ).select_related("live_revision")


def record_source_changes(*, article: Article) -> int:
    """Note in the audit trail of every published briefing citing ``article`` that
    it no longer matches what the briefing shows; returns how many were noted."""
    noted = 0
    for briefing in _live_briefings_citing(article):
        recorded = _recorded_references(briefing.live_revision.content)
        changes = _differences(recorded.get(article.pk, {}), article)
        already = briefing.audit_events.filter(action=SOURCE_CHANGED)
        data = {"article": article.pk, "changes": changes}
        if not changes or any(event.data == data for event in already):
            continue
        audit_record(
            briefing=briefing,
            action=SOURCE_CHANGED,
            comment="발행 후 출처 기사가 바뀌었습니다. 발행본은 그대로이며, "
            "정정할지는 편집자가 판단합니다: " + "; ".join(changes),
            data=data,
        )
        noted += 1
    return noted


def article_saved(
    sender, instance: Article, created: bool, raw: bool, **kwargs
) -> None:
    """``post_save`` of Article: note changed sources of live briefings."""
    if created or raw:
        return
    fields = kwargs.get("update_fields")
    if fields is not None and not {"url", "headline"} & set(fields):
        return
    record_source_changes(article=instance)
