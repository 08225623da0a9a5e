"""The quality report of a briefing, read from the database or a fresh composition.

Adapts :mod:`prism.nlp.quality` (plain rules) to PRISM's models. Generation stores
the report on the draft and its run; every edit refreshes it, so editors see what
is left to fix on the draft they have in front of them.
"""

from __future__ import annotations

from prism.conf import prism_settings
from prism.models import Article, Briefing, ReaderType
from prism.nlp.korean import person_names
from prism.nlp.quality import BriefingText, ItemText, quality_report
from prism.services.composition import (
    GENERIC_KEYWORDS,
    PUBLISHERS,
    Composition,
    reader_type_words,
)


def briefing_quality_report(briefing: Briefing) -> list[dict[str, str]]:
    """The findings for ``briefing`` as it is stored now."""
    items = list(
        briefing.items.select_related("article").prefetch_related("related_articles")
    )
    sections = list(briefing.sections.order_by("position"))
    articles = [item.article for item in items if item.article is not None]
    articles += [a for item in items for a in item.related_articles.all()]
    # What a composer dropped while writing stays on record: the text cannot show it.
    kept = [
        finding
        for finding in briefing.quality_findings or []
        if isinstance(finding, dict) and finding.get("check") == "ungrounded"
    ]
    return kept + quality_report(
        _text(
            reader_type=briefing.reader_type,
            lead=briefing.lead,
            sections=[(s.heading, s.body) for s in sections],
            items=[
                (item.rank, item.headline, item.summary, item.article) for item in items
            ],
            keywords=list(briefing.keywords or []),
            articles=articles,
        )
    )


def composition_quality_report(
    composition: Composition, reader_type: ReaderType
) -> list[dict[str, str]]:
    """The findings for a composition about to be written, plus its own."""
    articles = [item.article for item in composition.items]
    articles += [a for item in composition.items for a in item.related_articles]
    findings = quality_report(
        _text(
            reader_type=reader_type,
            lead=composition.lead,
            sections=[(s.heading, s.body) for s in composition.sections],
            items=[
                (item.rank, item.headline, item.summary, item.article)
                for item in composition.items
            ],
            matched={
                item.rank: bool(item.selection_reason.get("matched_keywords"))
                for item in composition.items
                if "matched_keywords" in item.selection_reason
            },
            keywords=list(composition.keywords),
            articles=articles,
        )
    )
    return [*findings, *composition.findings]


def _text(
    *,
    reader_type: ReaderType,
    lead: str,
    sections: list[tuple[str, str]],
    items: list[tuple[int, str, str, Article | None]],
    keywords: list[str],
    articles: list[Article],
    matched: dict[int, bool] | None = None,
) -> BriefingText:
    sources = [f"{a.headline}\n{a.body}" for a in articles]
    names = set()
    for source in sources:
        names |= person_names(source)
    allow_opinion = bool(getattr(reader_type, "allow_opinion", False))
    return BriefingText(
        lead=lead,
        sections=sections,
        items=[
            ItemText(
                rank=rank,
                headline=headline,
                summary=summary,
                kind=article.kind if article is not None else "news",
                interest=rank <= int(prism_settings.INTEREST_ITEMS),
                matched=(matched or {}).get(rank, True),
                kind_allowed=bool(
                    article is not None
                    and article.kind == Article.Kind.OPINION
                    and allow_opinion
                    and rank > int(prism_settings.INTEREST_ITEMS)
                ),
            )
            for rank, headline, summary, article in items
        ],
        keywords=keywords,
        sources=sources,
        excluded_keywords={*reader_type_words(reader_type), *names, *PUBLISHERS},
        generic_keywords=GENERIC_KEYWORDS,
        items_wanted=int(prism_settings.ITEMS_PER_BRIEFING),
        sections_wanted=int(prism_settings.SECTIONS_PER_BRIEFING),
        keywords_wanted=int(prism_settings.KEYWORDS_PER_BRIEFING),
    )
