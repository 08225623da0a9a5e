"""Choosing a briefing's articles: six per reader type and edition date.

The day's candidate articles form a :class:`CandidatePool`: every article is
tokenized once (and cached per process), then scored for a reader type by BM25
relevance to its weighted interests, preferred sections, recency and importance
(how many articles cover the same story, body length). MMR keeps the six from
telling the same story twice; same-story articles become the items' 관련기사.

Selection only reads the database; :mod:`prism.services.generation` writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import logging
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Max, Q
from django.db.models.functions import Length
from django.utils import timezone

from prism.conf import prism_settings
from prism.ingest.kinds import NOT_SELECTED, OPINION
from prism.models import Article, BriefingItem, ReaderType
from prism.nlp.cache import LRUCache
from prism.nlp.keywords import STOPWORDS, KeywordExtractor
from prism.nlp.korean import reports_later_day
from prism.nlp.ranking import (
    PoolDocumentFrequency,
    bm25_idf,
    bm25_scores,
    story_neighbors,
    story_vector,
)
from prism.nlp.tokens import NOUN_TAGS, Tokenizer, get_tokenizer

logger = logging.getLogger(__name__)

# What the story is about sits in the headline and the opening paragraphs (news is
# written as an inverted pyramid); indexing only that keeps tokenization of a
# 10,000-article pool affordable without changing which stories match.
INDEX_BODY_CHARS = 800
HEADLINE_BOOST = 2  # headline words count this many times in the index
RELATED_MAX = 3
BODY_FULL_CHARS = 1500  # a body this long earns the whole length bonus
RERANK_DEPTH = 80  # MMR looks at this many best-scored candidates
REFERENCE_RELEVANCE = 0.3  # relevance still counts a little for 참고 뉴스
RECENT_EDITIONS_DAYS = 2  # articles already in these earlier editions are skipped
# A thin window is widened to these many hours, one step at a time, for six items.
WIDER_WINDOWS_HOURS = (72, 168)
# Score factor 1 / (1 + DIVERSITY_PENALTY * n) for an article n other reader types
# of the edition already have.
DIVERSITY_PENALTY = 0.35
# An article its own text shows to be older than its estimated date scores this
# share of what it would (it fills a briefing only when fresher news runs out).
DOUBTFUL_DATE_FACTOR = 0.5
TERM_CACHE_SIZE = 50_000
# Part of every stored index's key: bump it when what article_terms() computes
# changes (INDEX_BODY_CHARS, HEADLINE_BOOST, is_index_term), so old ones are redone.
INDEX_VERSION = 1


# --------------------------------------------------------------------------- window


@dataclass(frozen=True)
class EditionWindow:
    """The publication times an edition's candidates come from: [start, end)."""

    start: dt.datetime
    end: dt.datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def edition_cutoff(edition_date: dt.date, *, now: dt.datetime | None = None):
    """When the news of ``edition_date``'s briefing ends.

    An edition is a morning briefing: it is cut off at the daily generation time
    (``GENERATION_TIME``, 06:00 Asia/Seoul by default) on its date, whether it is
    generated on schedule, ahead of time or later for a past date, so it always
    covers the previous day and night. Only a generation during the edition day
    itself (a regeneration at 10:00, or ``make demo``, whose newest sample day is
    today) takes in what has been published up to that moment.
    """
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    hour, minute = (
        int(part) for part in str(prism_settings.GENERATION_TIME).split(":")
    )
    scheduled = dt.datetime.combine(edition_date, dt.time(hour, minute), tzinfo=tz)
    end_of_day = dt.datetime.combine(
        edition_date + dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz
    )
    return now if scheduled <= now < end_of_day else scheduled


def edition_window(
    edition_date: dt.date, *, now: dt.datetime | None = None
) -> EditionWindow:
    """The candidate window: ``CANDIDATE_WINDOW_HOURS`` before the edition cutoff."""
    end = edition_cutoff(edition_date, now=now)
    hours = float(prism_settings.CANDIDATE_WINDOW_HOURS)
    return EditionWindow(start=end - dt.timedelta(hours=hours), end=end)


# ------------------------------------------------------------------- article terms


@dataclass(frozen=True)
class ArticleTerms:
    """One article's index: noun counts (headline nouns count extra), made once."""

    terms: Mapping[str, int]
    length: int


_term_cache: LRUCache[ArticleTerms] = LRUCache(TERM_CACHE_SIZE)


def is_index_term(form: str) -> bool:
    """Whether a noun form is worth indexing (no stopwords, no lone syllables)."""
    if form in STOPWORDS or form.isdigit():
        return False
    if len(form) == 1 and "가" <= form <= "힣":
        return False
    return any(ch.isalnum() for ch in form)


def noun_terms(tokenizer: Tokenizer, text: str) -> list[str]:
    """The index terms of ``text``: its nouns (Latin ones too), lower-cased."""
    return [
        form.lower()
        for form, tag in tokenizer.pos(text)
        if tag in NOUN_TAGS and is_index_term(form)
    ]


def index_key(article: Article) -> str:
    """What an article's index is made from: text, tokenizer, index version."""
    headline = hashlib.sha256(article.headline.encode()).hexdigest()[:16]
    return (
        f"{INDEX_VERSION}:{prism_settings.TOKENIZER}:{article.content_hash}:{headline}"
    )


def _stored_terms(article: Article) -> ArticleTerms | None:
    """The article's stored index, if loaded with it and still current."""
    if "index_terms" in article.get_deferred_fields():
        return None
    stored = article.index_terms
    if not isinstance(stored, dict) or stored.get("key") != index_key(article):
        return None
    terms = stored.get("terms")
    if not isinstance(terms, dict):
        return None
    return ArticleTerms(terms=terms, length=sum(terms.values()))


def article_terms(article: Article, tokenizer: Tokenizer | None = None) -> ArticleTerms:
    """The index of ``article``: cached in the process, stored, or made now."""
    key = (article.pk or id(article), article.content_hash, article.headline)
    cached = _term_cache.get(key)
    if cached is not None:
        return cached
    entry = _stored_terms(article)
    if entry is None:
        tokenizer = tokenizer or get_tokenizer(prism_settings.TOKENIZER)
        counts: Counter[str] = Counter()
        for term in noun_terms(tokenizer, article.headline):
            counts[term] += HEADLINE_BOOST
        counts.update(noun_terms(tokenizer, article.body[:INDEX_BODY_CHARS]))
        entry = ArticleTerms(terms=dict(counts), length=sum(counts.values()))
    return _term_cache.put(key, entry)


def articles_index(*, article_ids: Sequence[int]) -> int:
    """Store the index of each of the articles lacking a current one; how many.

    Runs in the background after an import. The row is only written if its text is
    still the one indexed, and ``updated_at`` is left alone (the pool cache keys on
    it, and an index is not an edit).
    """
    stored = 0
    fields = ("pk", "headline", "body", "content_hash", "index_terms")
    for article in Article.objects.filter(pk__in=list(article_ids)).only(*fields):
        if _stored_terms(article) is not None:
            continue
        entry = article_terms(article)
        stored += Article.objects.filter(
            pk=article.pk, content_hash=article.content_hash, headline=article.headline
        ).update(index_terms={"key": index_key(article), "terms": dict(entry.terms)})
    return stored


def query_terms(keyword: str, tokenizer: Tokenizer | None = None) -> list[str]:
    """An interest keyword's index terms (``"AI 반도체"`` → ``["ai", "반도체"]``)."""
    tokenizer = tokenizer or get_tokenizer(prism_settings.TOKENIZER)
    terms = noun_terms(tokenizer, keyword)
    if not terms:
        compact = keyword.replace(" ", "").lower()
        terms = [compact] if compact else []
    return list(dict.fromkeys(terms))


# --------------------------------------------------------------------------- pool


@dataclass
class CandidatePool:
    """An edition's candidate articles with their index, BM25 statistics and stories."""

    window: EditionWindow
    articles: list[Article]
    terms: list[ArticleTerms]
    duplicate_counts: np.ndarray
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(repr=False)
    document_frequency: dict[str, int] = field(repr=False)
    lengths: np.ndarray = field(repr=False)
    neighbors: list[dict[int, float]] = field(repr=False)
    story_vectors: list[dict[str, float]] = field(repr=False)

    def __len__(self) -> int:
        return len(self.articles)

    @classmethod
    def build(
        cls,
        articles: Sequence[Article],
        window: EditionWindow,
        *,
        duplicate_counts: Sequence[int] | None = None,
        tokenizer: Tokenizer | None = None,
    ) -> CandidatePool:
        """Index ``articles`` (each tokenized once per process) and find stories."""
        articles = list(articles)
        terms = [article_terms(article, tokenizer) for article in articles]
        df: Counter[str] = Counter()
        rows: dict[str, list[int]] = {}
        tfs: dict[str, list[int]] = {}
        for index, entry in enumerate(terms):
            for term, count in entry.terms.items():
                df[term] += 1
                rows.setdefault(term, []).append(index)
                tfs.setdefault(term, []).append(count)
        postings = {
            term: (np.asarray(rows[term], dtype=np.int64), np.asarray(tfs[term], float))
            for term in rows
        }
        vectors = [story_vector(entry.terms, df, len(articles)) for entry in terms]
        if duplicate_counts is None:
            duplicate_counts = [0] * len(articles)
        counts = np.asarray(duplicate_counts, dtype=float)
        return cls(
            window=window,
            articles=articles,
            terms=terms,
            duplicate_counts=counts,
            postings=postings,
            document_frequency=dict(df),
            lengths=np.asarray([max(entry.length, 1) for entry in terms], float),
            neighbors=story_neighbors(vectors, df),
            story_vectors=vectors,
        )

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency (never negative)."""
        return bm25_idf(len(self.articles), self.document_frequency.get(term, 0))

    def bm25(self, terms: Iterable[str]) -> np.ndarray:
        """The BM25 score of every pool article for a bag of query ``terms``."""
        return bm25_scores(self.postings, self.lengths, self.idf, terms)

    def similarity(self, a: int, b: int) -> float:
        """Cosine similarity of two pool articles' story vectors."""
        small, large = sorted((self.story_vectors[a], self.story_vectors[b]), key=len)
        return sum(weight * large.get(term, 0.0) for term, weight in small.items())

    def story_sizes(self) -> np.ndarray:
        """How many pool articles (and near-duplicates) cover each article's story."""
        return (
            np.asarray([1 + len(links) for links in self.neighbors], float)
            + self.duplicate_counts
        )

    def keyword_extractor(self, tokenizer: Tokenizer | None = None) -> KeywordExtractor:
        """A keyword extractor whose IDF is learnt from this pool (no re-tokenizing)."""
        extractor = KeywordExtractor(tokenizer)
        extractor.document_frequency = PoolDocumentFrequency(self.document_frequency)
        extractor.documents = len(self.articles)
        return extractor


_pool_cache: LRUCache[CandidatePool] = LRUCache(4)


def candidate_queryset(window: EditionWindow):
    """The articles an edition may choose from: originals with a usable body.

    A copy stands in for its story when the original lies outside the window (a
    story first published before the window, reprinted inside it). Digests and
    page furniture are never candidates.
    """
    original_outside = Q(duplicate_of__published_at__lt=window.start) | Q(
        duplicate_of__published_at__gte=window.end
    )
    return (
        Article.objects.filter(Q(duplicate_of__isnull=True) | original_outside)
        .published_between(window.start, window.end)
        .exclude(kind__in=[Article.Kind.DIGEST, Article.Kind.FURNITURE])
        .annotate(body_chars=Length("body"))
        .filter(body_chars__gte=int(prism_settings.MIN_BODY_CHARS))
    )


def _one_copy_per_story(articles: list[Article]) -> list[Article]:
    """Keep one in-window copy per outside original: the earliest, fullest."""
    best: dict[int, Article] = {}
    for article in articles:
        if article.duplicate_of_id is None:
            continue
        kept = best.get(article.duplicate_of_id)
        key = (article.published_at, -len(article.body))
        if kept is None or key < (kept.published_at, -len(kept.body)):
            best[article.duplicate_of_id] = article
    keep = {article.pk for article in best.values()}
    return [a for a in articles if a.duplicate_of_id is None or a.pk in keep]


def candidate_pool(
    edition_date: dt.date,
    *,
    now: dt.datetime | None = None,
    window: EditionWindow | None = None,
) -> CandidatePool:
    """The edition's candidate pool, built once per process while nothing changed."""
    window = window or edition_window(edition_date, now=now)
    queryset = candidate_queryset(window)
    fingerprint = queryset.aggregate(
        count=Count("id"), last_id=Max("id"), last_change=Max("updated_at")
    )
    key = (window.start, window.end, *fingerprint.values(), _settings_key())
    pool = _pool_cache.get(key)
    if pool is not None:
        return pool
    articles = _one_copy_per_story(
        list(
            queryset.annotate(duplicates=Count("near_duplicates")).order_by(
                "-published_at", "-id"
            )
        )
    )
    pool = CandidatePool.build(
        articles, window, duplicate_counts=[a.duplicates for a in articles]
    )
    return _pool_cache.put(key, pool)


def _settings_key() -> tuple:
    return (
        str(prism_settings.TOKENIZER),
        int(prism_settings.MIN_BODY_CHARS),
        float(prism_settings.CANDIDATE_WINDOW_HOURS),
    )


def clear_caches() -> None:
    """Forget cached article terms, pools and edition plans (tests, benchmarks)."""
    for cache in (_term_cache, _pool_cache, _edition_cache):
        cache.clear()


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


@dataclass
class _Scores:
    """Per-article score components for one reader type, each in [0, 1]."""

    relevance: np.ndarray
    section: np.ndarray
    recency: np.ndarray
    importance: np.ndarray
    weights: dict[str, float]
    # Articles whose estimated date their own text contradicts (see date_doubtful).
    doubtful: np.ndarray | None = None

    def total(self, relevance_factor: float = 1.0) -> np.ndarray:
        w = self.weights
        total = (
            w["relevance"] * relevance_factor * self.relevance
            + w["section"] * self.section
            + w["recency"] * self.recency
            + w["importance"] * self.importance
        )
        scale = (
            w["relevance"] * relevance_factor
            + w["section"]
            + w["recency"]
            + w["importance"]
        )
        total = total / (scale or 1.0)
        if self.doubtful is not None:
            total = np.where(self.doubtful, total * DOUBTFUL_DATE_FACTOR, total)
        return total

    def components(self, row: int) -> dict[str, float]:
        return {
            name: float(getattr(self, name)[row])
            for name in ("relevance", "section", "recency", "importance")
        }


def selection_weights() -> dict[str, float]:
    """``PRISM["SELECTION_WEIGHTS"]`` with defaults for missing components."""
    weights = {"relevance": 1.0, "section": 0.3, "recency": 0.2, "importance": 0.3}
    weights.update(
        {k: float(v) for k, v in dict(prism_settings.SELECTION_WEIGHTS).items()}
    )
    return weights


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
    do. Without a ``pool``, a window too thin for six items is widened step by step
    (``WIDER_WINDOWS_HOURS``), and the draft's notes say so.
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
    scores = _score(pool, reader_type)
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
        .exclude(briefing__status="spiked")
        .values_list("article_id", flat=True)
    )
    return {row for row, article in enumerate(pool.articles) if article.pk in used}


def _score(pool: CandidatePool, reader_type: ReaderType) -> _Scores:
    """Every score component for every pool article."""
    tokenizer = get_tokenizer(prism_settings.TOKENIZER)
    relevance = np.zeros(len(pool))
    for keyword, weight in dict(reader_type.interests or {}).items():
        terms = query_terms(str(keyword), tokenizer)
        if terms and float(weight) > 0:
            relevance += float(weight) * pool.bm25(terms) / len(terms)
    if relevance.max(initial=0.0) > 0:
        relevance = relevance / relevance.max()
    preferred = {str(s).strip() for s in reader_type.preferred_sections or []}
    section = np.asarray(
        [
            1.0 if (a.section in preferred or a.subsection in preferred) else 0.0
            for a in pool.articles
        ]
    )
    hours = max(pool.window.hours, 1.0)
    ages = np.asarray(
        [
            (pool.window.end - (a.published_at or pool.window.start)).total_seconds()
            / 3600
            for a in pool.articles
        ]
    )
    recency = np.clip(1.0 - ages / hours, 0.0, 1.0)
    # An undated record's time is only its import time: it counts as half as fresh.
    recency *= np.asarray(
        [
            0.5 if getattr(a, "published_at_estimated", False) else 1.0
            for a in pool.articles
        ]
    )
    # One whose text reports days after that estimate is older than it: not fresh
    # at all, and it comes only when fresher news runs out.
    doubtful = np.asarray([date_doubtful(a) for a in pool.articles], bool)
    recency[doubtful] = 0.0
    sizes = pool.story_sizes()
    coverage = np.log1p(sizes - 1) / math.log1p(max(float(sizes.max()) - 1, 1.0))
    length = np.minimum(
        np.asarray([len(a.body) for a in pool.articles], float) / BODY_FULL_CHARS, 1.0
    )
    importance = 0.7 * coverage + 0.3 * length
    return _Scores(
        relevance, section, recency, importance, selection_weights(), doubtful
    )


def date_doubtful(article: Article) -> bool:
    """Whether an article dated by estimate reports events on later days of the
    month ("어제(20일)" in a record dated the 15th): it is older than its date."""
    estimated = getattr(article, "published_at_estimated", False)
    if not estimated or not article.published_at:
        return False
    day = timezone.localtime(article.published_at).day
    return reports_later_day(article.body[: INDEX_BODY_CHARS * 2], day)


def _choose(
    pool: CandidatePool,
    scores: _Scores,
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
            tiers = [order[:RERANK_DEPTH]]
        for _ in range(count):
            best, best_value = None, -math.inf
            for tier in tiers:
                for row in tier:
                    if row in blocked:
                        continue
                    redundancy = max(
                        (pool.similarity(row, other) for other, _, _ in chosen),
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


def _items(
    pool: CandidatePool,
    scores: _Scores,
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


def matched_keywords(article: Article, interests: Mapping[str, float]) -> list[str]:
    """The reader type's interest keywords that occur in the article, best first."""
    text = f"{article.headline} {article.body}".lower()
    compact = text.replace(" ", "")
    found = [
        str(keyword)
        for keyword, _ in sorted(interests.items(), key=lambda kv: -float(kv[1]))
        if str(keyword).lower().replace(" ", "") in compact
    ]
    return found


def _notes(
    selection: Selection, scores: _Scores, excluded: set[int], available: int
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
    return notes
