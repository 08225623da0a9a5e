"""Briefing revisions: full JSON snapshots of every save, and restoring them.

The snapshot format is owned here (not by the renderer) because ``snapshot_apply``
must be able to write every snapshot back: it is the restore format.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from prism.models import (
    Article,
    Briefing,
    BriefingItem,
    BriefingRevision,
    BriefingSection,
)

SNAPSHOT_SCHEMA = 1

# Briefing fields a revision captures and a restore writes back.
SNAPSHOT_FIELDS = [*Briefing.EDITABLE_FIELDS, "correction_note"]


def briefing_snapshot(briefing: Briefing) -> dict[str, Any]:
    """Every editable part of ``briefing`` as a JSON-able dict."""
    content: dict[str, Any] = {"schema": SNAPSHOT_SCHEMA}
    for field in SNAPSHOT_FIELDS:
        value = getattr(briefing, field)
        content[field] = list(value) if field == "keywords" else value
    content["sections"] = [
        {"position": s.position, "heading": s.heading, "body": s.body}
        for s in BriefingSection.objects.filter(briefing=briefing).order_by("position")
    ]
    items = (
        BriefingItem.objects.filter(briefing=briefing)
        .select_related("article")
        .prefetch_related("related_articles")
        .order_by("rank")
    )
    content["items"] = [
        {
            "rank": item.rank,
            "group": item.group,
            "article_id": item.article_id,
            "article_url": item.article.url if item.article else "",
            "headline": item.headline,
            "summary": item.summary,
            "summary_sentences": item.summary_sentences,
            "related_article_ids": sorted(a.pk for a in item.related_articles.all()),
            "selection_reason": item.selection_reason,
            # What the public page links: a published revision renders these, so a
            # source re-imported or edited later never changes a live briefing.
            **_snapshot_references(item),
        }
        for item in items
    ]
    return content


def _snapshot_references(item: BriefingItem) -> dict[str, Any]:
    article = item.article
    published_at = article.published_at if article else None
    return {
        "article_source": article.source if article else "",
        "article_published_at": published_at.isoformat() if published_at else None,
        "related_articles": [
            {"id": a.pk, "headline": a.headline, "url": a.url}
            for a in sorted(item.related_articles.all(), key=lambda a: a.pk)
        ],
    }


@transaction.atomic
def revision_create(
    *,
    briefing: Briefing,
    kind: str,
    author=None,
    provenance: dict[str, Any] | None = None,
    comment: str = "",
) -> BriefingRevision:
    """Snapshot ``briefing`` as revision number ``briefing.version``."""
    if kind not in BriefingRevision.Kind.values:
        raise ValueError(f"알 수 없는 리비전 종류입니다: {kind!r}")
    if author is not None and not getattr(author, "is_authenticated", False):
        author = None
    content = briefing_snapshot(briefing)
    # A revision number is a briefing version; saving the same version twice
    # (e.g. a regeneration of an untouched draft) replaces that snapshot.
    revision, _ = BriefingRevision.objects.update_or_create(
        briefing=briefing,
        number=briefing.version,
        defaults={
            "kind": kind,
            "content": content,
            "author": author,
            "provenance": provenance or {},
            "comment": comment or "",
        },
    )
    return revision


@transaction.atomic
def snapshot_apply(*, briefing: Briefing, content: dict[str, Any]) -> None:
    """Write a snapshot's parts back onto ``briefing`` (does not bump the version)."""
    for field in SNAPSHOT_FIELDS:
        if field in content:
            setattr(briefing, field, content[field])
    briefing.save(update_fields=[*SNAPSHOT_FIELDS, "updated_at"])
    BriefingSection.objects.filter(briefing=briefing).delete()
    BriefingSection.objects.bulk_create(
        BriefingSection(
            briefing=briefing,
            position=s["position"],
            heading=s.get("heading", ""),
            body=s.get("body", ""),
        )
        for s in content.get("sections", [])
    )
    BriefingItem.objects.filter(briefing=briefing).delete()
    known = set(
        Article.objects.filter(
            pk__in=[
                pk
                for item in content.get("items", [])
                for pk in [item.get("article_id"), *item.get("related_article_ids", [])]
                if pk
            ]
        ).values_list("pk", flat=True)
    )
    for data in content.get("items", []):
        item = BriefingItem.objects.create(
            briefing=briefing,
            rank=data["rank"],
            group=data.get("group", BriefingItem.Group.INTEREST),
            article_id=data.get("article_id")
            if data.get("article_id") in known
            else None,
            headline=data.get("headline", ""),
            summary=data.get("summary", ""),
            summary_sentences=data.get("summary_sentences", []),
            selection_reason=data.get("selection_reason", {}),
        )
        related = [pk for pk in data.get("related_article_ids", []) if pk in known]
        if related:
            item.related_articles.set(related)


def revision_original(briefing: Briefing) -> BriefingRevision | None:
    """The newest AI-generated revision: what the generator handed to the editors."""
    return (
        briefing.revisions.filter(kind=BriefingRevision.Kind.GENERATED)
        .order_by("-number")
        .first()
    )


def revision_current(briefing: Briefing) -> BriefingRevision | None:
    """The revision matching the briefing's current version, if one was saved."""
    return briefing.revisions.filter(number=briefing.version).first()


class _Rows(list):
    """A list that answers ``.all()`` like a related manager, for templates."""

    def all(self) -> _Rows:
        return self

    def count(self) -> int:
        return len(self)

    def exists(self) -> bool:
        return bool(self)


class _View:
    """A model instance with some attributes replaced (read-only rendering only)."""

    def __init__(self, base: Any, **overrides: Any) -> None:
        self._base = base
        self.__dict__.update(overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)

    def __str__(self) -> str:
        return str(self._base)


def snapshot_article_ids(content: dict[str, Any]) -> set[int]:
    """The ids of every article a snapshot refers to."""
    return {
        pk
        for item in content.get("items", [])
        for pk in [item.get("article_id"), *item.get("related_article_ids", [])]
        if pk
    }


def _as_snapshotted(articles: dict[int, Article], pk: int | None, **recorded) -> Any:
    """Article ``pk`` showing what the snapshot recorded of it (its link, source,
    time, headline); None when neither the article nor a record of it exists."""
    recorded = {name: value for name, value in recorded.items() if value is not None}
    if isinstance(recorded.get("published_at"), str):
        recorded["published_at"] = dt.datetime.fromisoformat(recorded["published_at"])
    article = articles.get(pk)
    if article is None:
        if not pk or not recorded.get("url"):
            return None
        article = Article(pk=pk)  # deleted since; the snapshot still links it
    return _View(article, **recorded) if recorded else article


def _snapshot_related(data: dict[str, Any], articles: dict[int, Article]) -> _Rows:
    if "related_articles" not in data:  # snapshots made before links were recorded
        pks = data.get("related_article_ids", [])
        return _Rows(articles[pk] for pk in pks if pk in articles)
    related = (
        _as_snapshotted(
            articles,
            entry.get("id"),
            headline=entry.get("headline"),
            url=entry.get("url"),
        )
        for entry in data["related_articles"]
    )
    return _Rows(article for article in related if article is not None)


def snapshot_as_briefing(
    briefing: Briefing,
    content: dict[str, Any],
    *,
    articles: dict[int, Article] | None = None,
) -> Any:
    """An object the briefing templates render like ``briefing`` but with ``content``.

    Nothing is written: the public page template can show any revision exactly as it
    would look live (the live page itself, admin preview of old revisions, outside
    reviewers' links). Links, sources and related headlines are the snapshot's own
    where it recorded them. ``articles`` (by id) saves the query for them.
    """
    base = Briefing(
        **{f.attname: getattr(briefing, f.attname) for f in Briefing._meta.fields}
    )
    base.reader_type = briefing.reader_type
    for field in SNAPSHOT_FIELDS:
        if field in content:
            setattr(base, field, content[field])
    if articles is None:
        articles = Article.objects.in_bulk(snapshot_article_ids(content))
    sections = _Rows(
        BriefingSection(
            position=s["position"], heading=s.get("heading", ""), body=s.get("body", "")
        )
        for s in content.get("sections", [])
    )
    items = _Rows()
    for data in content.get("items", []):
        item = BriefingItem(
            rank=data["rank"],
            group=data.get("group", BriefingItem.Group.INTEREST),
            headline=data.get("headline", ""),
            summary=data.get("summary", ""),
            summary_sentences=data.get("summary_sentences", []),
            selection_reason=data.get("selection_reason", {}),
        )
        article = _as_snapshotted(
            articles,
            data.get("article_id"),
            url=data.get("article_url"),
            source=data.get("article_source"),
            published_at=data.get("article_published_at"),
        )
        items.append(
            _View(
                item,
                article=article,
                related_articles=_snapshot_related(data, articles),
            )
        )
    return _View(base, sections=sections, items=items)
