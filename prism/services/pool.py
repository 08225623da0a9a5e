"""The day's candidate articles: the edition's window and the pool it holds.

Every candidate is tokenized once (headline and opening, stored as an index and
cached per process) into a :class:`CandidatePool` that scores BM25 relevance and
finds same-story neighbours (:mod:`prism.nlp.ranking`). Reads only;
:mod:`prism.services.selection` chooses from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max, Q
from django.db.models.functions import Length
from django.utils import timezone

from prism.conf import prism_settings
from prism.models import Article
from prism.nlp.cache import LRUCache
from prism.nlp.keywords import STOPWORDS, KeywordExtractor
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


def clear_pool_caches() -> None:
    """Forget cached article terms and pools."""
    for cache in (_term_cache, _pool_cache):
        cache.clear()
