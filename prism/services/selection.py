"""Choosing a briefing's articles: six per reader type and edition date.

The day's candidate articles form a :class:`~prism.services.pool.CandidatePool`
(every article tokenized once and cached per process), scored for a reader type
by BM25 relevance to its weighted interests, preferred sections, recency and
importance (how many articles cover the same story, body length). MMR keeps the six from
telling the same story twice; same-story articles become the items' 관련기사.

Selection only reads the database; :mod:`prism.services.generation` writes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Max
from django.utils import timezone

from prism.conf import prism_settings
from prism.ingest.kinds import NOT_SELECTED, OPINION
from prism.models import Article, Briefing, BriefingItem, ReaderType
from prism.nlp.cache import LRUCache
from prism.nlp.korean import PARENTHETICAL, with_particle
from prism.nlp.ranking import STORY_SIMILARITY
from prism.services.pool import (
    ArticleTerms,
    CandidatePool,
    EditionWindow,
    article_terms,
    articles_index,
    candidate_pool,
    candidate_queryset,
    clear_pool_caches,
    edition_cutoff,
    edition_window,
    index_key,
    is_index_term,
    noun_terms,
    query_terms,
)
from prism.services.scoring import Scores, date_doubtful, score_pool, selection_weights

# Names callers import from here.
__all__ = [
    "ArticleTerms",
    "CandidatePool",
    "EditionWindow",
    "SelectedItem",
    "Selection",
    "article_terms",
    "articles_index",
    "briefing_select",
    "candidate_pool",
    "candidate_queryset",
    "clear_caches",
    "date_doubtful",
    "edition_cutoff",
    "edition_select",
    "edition_selection",
    "edition_window",
    "index_key",
    "is_index_term",
    "matched_keywords",
    "mean_pairwise_overlap",
    "noun_terms",
    "query_terms",
    "selection_weights",
]

logger = logging.getLogger(__name__)

RELATED_MAX = 3
RERANK_DEPTH = 80  # MMR looks at this many best-scored candidates
REFERENCE_RELEVANCE = 0.3  # relevance still counts a little for 참고 뉴스
RECENT_EDITIONS_DAYS = 2  # articles already in these earlier editions are skipped
# A thin window is widened to these many hours, one step at a time: for six items,
# or for dated 관심 뉴스 that match the reader type's keywords.
WIDER_WINDOWS_HOURS = (72, 168)
# Score factor 1 / (1 + DIVERSITY_PENALTY * n) for an article n other reader types
# of the edition already have.
DIVERSITY_PENALTY = 0.35


# ---------------------------------------------------------------------- selection


@dataclass
class SelectedItem:
    """One chosen article, why it was chosen and its same-story 관련기사."""

    rank: int
    group: str
    article: Article
    score: float
    components: dict[str, float]
    matched_keywords: list[str]
    related: list[Article] = field(default_factory=list)

    @property
    def selection_reason(self) -> dict[str, Any]:
        """What editors see: matched keywords and every score component."""
        return {
            "group": self.group,
            "score": round(self.score, 4),
            "components": {k: round(v, 4) for k, v in self.components.items()},
            "matched_keywords": self.matched_keywords,
            "section": self.article.section,
            "related_article_ids": [a.pk for a in self.related],
        }


@dataclass
class Selection:
    """The outcome of selecting for one reader type and edition."""

    reader_type: ReaderType
    edition_date: dt.date
    window: EditionWindow
    pool_size: int
    items: list[SelectedItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped_reason: str = ""
    pool: CandidatePool | None = field(default=None, repr=False)

    @property
    def interest_items(self) -> list[SelectedItem]:
        return [i for i in self.items if i.group == BriefingItem.Group.INTEREST]

    @property
    def reference_items(self) -> list[SelectedItem]:
        return [i for i in self.items if i.group == BriefingItem.Group.REFERENCE]


def briefing_select(
    *,
    reader_type: ReaderType,
    edition_date: dt.date,
    now: dt.datetime | None = None,
    pool: CandidatePool | None = None,
    usage: Mapping[int, int] | None = None,
) -> Selection:
    """Choose up to ``ITEMS_PER_BRIEFING`` articles for ``reader_type``'s edition.

    ``usage`` counts how many other reader types of the edition already have each
    article (by id); such articles score lower, so editions differ where interests
    do. Without a ``pool``, a window too thin for six items, or one whose 관심 뉴스
    would be undated records or share none of the reader type's keywords, is
    widened step by step (``WIDER_WINDOWS_HOURS``) while that does better, and the
    draft's notes say why.
    """
    given = pool is not None
    pool = pool if given else candidate_pool(edition_date, now=now)
    selection = _select_from(pool, reader_type, edition_date, usage or {})
    wanted = int(prism_settings.ITEMS_PER_BRIEFING)
    for hours in WIDER_WINDOWS_HOURS:
        if given or hours <= pool.window.hours:
            continue
        short = len(selection.items) < wanted
        if not short and not _undated_interest(selection) and not _weak(selection):
            continue
        window = EditionWindow(
            start=pool.window.end - dt.timedelta(hours=hours), end=pool.window.end
        )
        wider = _select_from(
            candidate_pool(edition_date, window=window),
            reader_type,
            edition_date,
            usage or {},
        )
        if _fit(wider) > _fit(selection):
            if short:
                reason = f"{len(selection.items)}건만 고를 수 있어"
            elif _undated_interest(selection) > _undated_interest(wider):
                reason = "발행일이 확인된 관심 뉴스가 부족해"
            else:
                reason = "관심 키워드와 맞는 기사가 부족해"
            wider.notes.insert(
                0,
                f"최근 {pool.window.hours:g}시간의 기사로는 {reason} 후보 기간을 "
                f"{hours}시간으로 넓혔습니다.",
            )
            selection = wider
    return selection


def _undated_interest(selection: Selection) -> int:
    """How many 관심 뉴스 have only an estimated date (undated records)."""
    return sum(
        1
        for item in selection.interest_items
        if getattr(item.article, "published_at_estimated", False)
    )


def _weak(selection: Selection) -> int:
    """How many 관심 뉴스 share no interest keyword of the reader type."""
    return sum(1 for item in selection.interest_items if not item.matched_keywords)


def _fit(selection: Selection) -> tuple[int, int, int]:
    """More items first, then fewer undated 관심 뉴스, then fewer weak ones."""
    return (
        len(selection.items),
        -_undated_interest(selection),
        -_weak(selection),
    )


def _select_from(
    pool: CandidatePool,
    reader_type: ReaderType,
    edition_date: dt.date,
    usage: Mapping[int, int],
) -> Selection:
    selection = Selection(
        reader_type=reader_type,
        edition_date=edition_date,
        window=pool.window,
        pool_size=len(pool),
        pool=pool,
    )
    excluded = _recently_used(reader_type, edition_date, pool)
    available = len(pool) - len(excluded)
    if available <= 0:
        selection.skipped_reason = (
            f"후보 기사가 없습니다 ({_window_label(pool.window)} 발행, "
            f"본문 {prism_settings.MIN_BODY_CHARS}자 이상, 유사 중복 제외)."
        )
        return selection
    scores = score_pool(pool, reader_type)
    chosen = _choose(pool, scores, excluded, reader_type=reader_type, usage=usage)
    selection.items = _items(pool, scores, chosen, reader_type)
    selection.notes = _notes(selection, scores, excluded, available)
    return selection


def edition_select(
    *,
    reader_types: Sequence[ReaderType],
    edition_date: dt.date,
    now: dt.datetime | None = None,
) -> dict[int, Selection]:
    """One edition's selections, chosen together in reader-type order.

    Each reader type's choice counts against the next ones (``usage``), so an
    article everybody could take goes to the types it suits best instead of to
    all of them. Returns selections by reader type id.
    """
    usage: Counter[int] = Counter()
    selections: dict[int, Selection] = {}
    for reader_type in reader_types:
        selection = briefing_select(
            reader_type=reader_type, edition_date=edition_date, now=now, usage=usage
        )
        usage.update(item.article.pk for item in selection.items)
        selections[reader_type.pk] = selection
    return selections


_edition_cache: LRUCache[dict[int, Selection]] = LRUCache(4)


def clear_caches() -> None:
    """Forget cached article terms, pools and edition plans (tests, benchmarks)."""
    clear_pool_caches()
    _edition_cache.clear()


def edition_selection(
    *, reader_type: ReaderType, edition_date: dt.date, now: dt.datetime | None = None
) -> Selection:
    """``reader_type``'s selection within its whole edition (see edition_select).

    Every worker computes the same plan from the same pool (it is deterministic)
    and keeps it while nothing changed, so per-reader-type tasks stay independent.
    A reader type that is not active is selected on its own.
    """
    active = list(ReaderType.objects.filter(is_active=True).order_by("ordering", "id"))
    if reader_type.pk not in {rt.pk for rt in active}:
        return briefing_select(
            reader_type=reader_type, edition_date=edition_date, now=now
        )
    pool = candidate_pool(edition_date, now=now)
    key = (
        edition_date,
        id(pool),
        tuple(_reader_type_fingerprint(rt) for rt in active),
        _recent_items_fingerprint(edition_date),
    )
    plan = _edition_cache.get(key)
    if plan is None:
        plan = _edition_cache.put(
            key,
            edition_select(reader_types=active, edition_date=edition_date, now=now),
        )
    selection = plan[reader_type.pk]
    selection.reader_type = reader_type
    return selection


def _reader_type_fingerprint(reader_type: ReaderType) -> tuple:
    return (
        reader_type.pk,
        repr(reader_type.interests),
        repr(reader_type.preferred_sections),
        reader_type.allow_opinion,
    )


def _recent_items_fingerprint(edition_date: dt.date) -> tuple:
    since = edition_date - dt.timedelta(days=RECENT_EDITIONS_DAYS)
    return tuple(
        BriefingItem.objects.filter(
            briefing__edition_date__gte=since, briefing__edition_date__lt=edition_date
        )
        .aggregate(count=Count("id"), last=Max("id"))
        .values()
    )


def mean_pairwise_overlap(item_sets: Sequence[set[int]]) -> float:
    """The mean share of items two editions have in common (0 = all different)."""
    pairs = [
        len(a & b) / (min(len(a), len(b)) or 1)
        for a, b in itertools.combinations(item_sets, 2)
    ]
    return sum(pairs) / len(pairs) if pairs else 0.0


def _window_label(window: EditionWindow) -> str:
    start = timezone.localtime(window.start)
    end = timezone.localtime(window.end)
    return f"{start:%Y-%m-%d %H:%M}~{end:%Y-%m-%d %H:%M}"


def _recently_used(
    reader_type: ReaderType, edition_date: dt.date, pool: CandidatePool
) -> set[int]:
    """Pool rows already shown to this reader type in the previous editions."""
    since = edition_date - dt.timedelta(days=RECENT_EDITIONS_DAYS)
    used = set(
        BriefingItem.objects.filter(
            briefing__reader_type=reader_type,
            briefing__edition_date__gte=since,
            briefing__edition_date__lt=edition_date,
            article__isnull=False,
        )
        .exclude(briefing__status=Briefing.Status.SPIKED)
        .values_list("article_id", flat=True)
    )
    return {row for row, article in enumerate(pool.articles) if article.pk in used}


def _choose(
    pool: CandidatePool,
    scores: Scores,
    excluded: set[int],
    *,
    reader_type: ReaderType,
    usage: Mapping[int, int],
) -> list[tuple[int, str, float]]:
    """MMR picks: ``(row, group, score)``, interest items first, then reference.

    Columns, digests and furniture are never picked (a reader type may allow
    columns as 참고 뉴스); articles other reader types already have count less.
    """
    total = int(prism_settings.ITEMS_PER_BRIEFING)
    interest_count = min(int(prism_settings.INTEREST_ITEMS), total)
    lam = float(prism_settings.MMR_LAMBDA)
    blocked = set(excluded)
    chosen: list[tuple[int, str, float]] = []
    shared = np.asarray(
        [1.0 / (1.0 + DIVERSITY_PENALTY * usage.get(a.pk, 0)) for a in pool.articles]
    )
    kinds = [a.kind for a in pool.articles]
    estimated = [
        bool(getattr(a, "published_at_estimated", False)) for a in pool.articles
    ]
    allowed_reference = NOT_SELECTED - (
        {OPINION} if getattr(reader_type, "allow_opinion", False) else set()
    )
    plan = [
        (
            BriefingItem.Group.INTEREST,
            scores.total() * shared,
            interest_count,
            NOT_SELECTED,
        ),
        (
            BriefingItem.Group.REFERENCE,
            scores.total(REFERENCE_RELEVANCE) * shared,
            total - interest_count,
            allowed_reference,
        ),
    ]
    relevant = scores.relevance > 0
    interests = dict(reader_type.interests or {})

    def keyword_match(row: int) -> bool:
        return bool(matched_keywords(pool.articles[row], interests))

    def word_match(row: int) -> bool:
        return bool(relevant[row])

    for group, score, count, unselectable in plan:
        order = [
            r
            for r in np.argsort(-score, kind="stable")
            if r not in blocked and kinds[r] not in unselectable
        ]
        if group == BriefingItem.Group.INTEREST:
            # 관심 뉴스 are never older than they seem, and dated articles come
            # before undated ones (their date is only the import's or the
            # importer's guess), whenever enough articles qualify.
            if scores.doubtful is not None:
                dated = [r for r in order if not scores.doubtful[r]]
                if len(dated) >= count:
                    order = dated
            dated = [r for r in order if not estimated[r]]
            if len(dated) >= count:
                order = dated
            # Keyword matches come first, then word matches, then the rest.
            shortlist = order[:RERANK_DEPTH]
            keyword_rows = [r for r in shortlist if keyword_match(r)]
            word_rows = [r for r in shortlist if word_match(r)]
            tiers = [keyword_rows, word_rows, shortlist]
        else:
            # 참고 뉴스: an article its own text shows to be older than its date
            # comes only when nothing else is left.
            shortlist = order[:RERANK_DEPTH]
            if scores.doubtful is not None:
                tiers = [[r for r in shortlist if not scores.doubtful[r]], shortlist]
            else:
                tiers = [shortlist]
        for _ in range(count):
            best, best_value = None, -math.inf
            for tier in tiers:
                for row in tier:
                    if row in blocked:
                        continue
                    redundancy = max(
                        (_redundancy(pool, row, other) for other, _, _ in chosen),
                        default=0.0,
                    )
                    value = lam * score[row] - (1 - lam) * redundancy
                    if value > best_value:
                        best, best_value = row, value
                if best is not None:
                    break
            if best is None:
                break
            chosen.append((int(best), group, float(score[best])))
            # Same-story articles are the chosen item's 관련기사, never another item.
            blocked.add(best)
            blocked.update(pool.neighbors[best])
    return chosen


# A desk's package (a series' parts, published together in one section) counts
# as this redundant, like one topic: a briefing takes one or two of its parts.
PACKAGE_MINUTES = 20
PACKAGE_REDUNDANCY = 0.6
PACKAGE_MIN_SIMILARITY = 0.03  # they share at least a few rare words
RELATED_TOPIC = 0.5  # of the same-story similarity: related, not repeated


def _redundancy(pool: CandidatePool, row: int, other: int) -> float:
    """How much ``row`` repeats ``other``, in [0, 1].

    Similarity is measured against the same-story threshold: two articles on one
    topic share few rare words, yet far more than unrelated ones do.
    """
    similarity = pool.similarity(row, other)
    # Up to half the same-story threshold they are related topics (a policy
    # loan's rate cut beside the banks' mortgage rates), each news of its own:
    # only what goes beyond that repeats.
    share = min(1.0, similarity / STORY_SIMILARITY)
    value = max(0.0, (share - RELATED_TOPIC) / (1.0 - RELATED_TOPIC))
    if similarity >= PACKAGE_MIN_SIMILARITY and same_package(
        pool.articles[row], pool.articles[other]
    ):
        value = max(value, PACKAGE_REDUNDANCY)
    return value


def same_package(a: Article, b: Article) -> bool:
    """Whether two dated articles came out together from one desk: same source and
    section, published within ``PACKAGE_MINUTES`` (a series' parts, a page)."""
    return bool(
        a.pk != b.pk
        and a.source == b.source
        and a.section
        and a.section == b.section
        and a.published_at
        and b.published_at
        and not getattr(a, "published_at_estimated", False)
        and not getattr(b, "published_at_estimated", False)
        and abs((a.published_at - b.published_at).total_seconds())
        <= PACKAGE_MINUTES * 60
    )


def _items(
    pool: CandidatePool,
    scores: Scores,
    chosen: list[tuple[int, str, float]],
    reader_type: ReaderType,
) -> list[SelectedItem]:
    """Rank the picks (by score inside each group) and attach related articles."""
    chosen_rows = {row for row, _, _ in chosen}
    owner: dict[int, tuple[float, int]] = {}
    for row, _, _ in chosen:
        for other, similarity in pool.neighbors[row].items():
            if other not in chosen_rows and similarity > owner.get(other, (0.0, -1))[0]:
                owner[other] = (similarity, row)
    items: list[SelectedItem] = []
    groups = [BriefingItem.Group.INTEREST, BriefingItem.Group.REFERENCE]
    ordered = sorted(chosen, key=lambda c: (groups.index(c[1]), -c[2], c[0]))
    for rank, (row, group, score) in enumerate(ordered, start=1):
        related_rows = sorted(
            (other for other, (_, by) in owner.items() if by == row),
            key=lambda other: (-pool.neighbors[row][other], other),
        )[:RELATED_MAX]
        items.append(
            SelectedItem(
                rank=rank,
                group=group,
                article=pool.articles[row],
                score=score,
                components=scores.components(row),
                matched_keywords=matched_keywords(
                    pool.articles[row], reader_type.interests or {}
                ),
                related=[pool.articles[other] for other in related_rows],
            )
        )
    return items


_ROLE = re.compile(
    r"최고\s?(?:경영|재무|기술|운영|투자|전략)\s?책임자|최고경영자|(?:공동\s?)?창업자|창업주"
)


def matched_keywords(article: Article, interests: Mapping[str, float]) -> list[str]:
    """The reader type's interest keywords that occur in the article, best first.

    Glosses in parentheses and people's roles do not count: "량원펑(딥시크
    창업자)" or "최고경영자" names a person, it does not make the article one about
    founding or running a company.
    """
    text = PARENTHETICAL.sub(" ", f"{article.headline} {article.body}")
    text = _ROLE.sub(" ", text).lower()
    compact = text.replace(" ", "")
    found = [
        str(keyword)
        for keyword, _ in sorted(interests.items(), key=lambda kv: -float(kv[1]))
        if str(keyword).lower().replace(" ", "") in compact
    ]
    return found


def _notes(
    selection: Selection, scores: Scores, excluded: set[int], available: int
) -> list[str]:
    """What editors should know about this selection (shortfalls, weak matches)."""
    notes = [
        f"후보: {_window_label(selection.window)} 발행 기사 {available}건 "
        f"(유사 중복·본문 {prism_settings.MIN_BODY_CHARS}자 미만 제외)."
    ]
    wanted = int(prism_settings.ITEMS_PER_BRIEFING)
    found = len(selection.items)
    if found < wanted:
        notes.append(
            f"후보 기사가 부족해 {wanted}건 대신 {found}건으로 작성했습니다 "
            f"(후보 {available}건, 같은 사건을 다룬 기사는 관련기사로 묶음)."
        )
    if excluded:
        notes.append(
            f"최근 {RECENT_EDITIONS_DAYS}일 브리핑에 실린 기사 {len(excluded)}건은 "
            "후보에서 뺐습니다."
        )
    doubtful = [i.rank for i in selection.items if date_doubtful(i.article)]
    if doubtful:
        ranks = ", ".join(f"{rank}번" for rank in doubtful)
        notes.append(
            f"{ranks} 기사는 발행일이 없는 기사인데 본문에 적힌 날짜가 추정한 "
            "발행일보다 늦습니다. 오래된 기사일 수 있으니 확인해 주세요."
        )
    weak = [i.rank for i in selection.interest_items if not i.matched_keywords]
    if weak:
        ranks = ", ".join(f"{rank}번" for rank in weak)
        notes.append(
            f"관심 뉴스 {ranks} 기사는 관심 키워드와 직접 맞는 말이 없어 섹션·중요도로 "
            "골랐습니다."
        )
    missing = _missing_interests(selection)
    if len(missing) >= MISSING_INTERESTS_NOTED:
        words = with_particle(", ".join(f"‘{word}’" for word in missing), "를", "을")
        notes.append(
            f"후보 기사 가운데 이 독자 유형의 주요 관심사 {words} 다룬 기사가 "
            "없습니다. 다른 기사를 직접 추가하거나 후보 기간을 확인해 주세요."
        )
    return notes


MAIN_INTERESTS = 4  # the reader type's heaviest interest keywords, for the note
MISSING_INTERESTS_NOTED = 2  # how many of them the pool must lack to say so


def _missing_interests(selection: Selection) -> list[str]:
    """The reader type's main interests (its heaviest keywords) that no candidate
    article mentions: the pool, not the choice, left them out of the draft."""
    interests = dict(selection.reader_type.interests or {})
    if selection.pool is None or not interests:
        return []
    main = sorted(interests, key=lambda k: -float(interests[k]))[:MAIN_INTERESTS]
    missing = {str(word): 1.0 for word in main}
    for article in selection.pool.articles:
        for word in matched_keywords(article, missing):
            del missing[word]
        if not missing:
            break
    return [str(word) for word in main if str(word) in missing]
