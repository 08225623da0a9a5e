"""How a pool article scores for a reader type: relevance, section, recency,
importance, each in [0, 1], weighted by ``PRISM["SELECTION_WEIGHTS"]``.

Undated records count half as fresh, and one whose own text shows it older than
its estimated date ("어제(20일)" in a record dated the 15th) not at all. Reads only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from prism.conf import prism_settings
from prism.models import Article, ReaderType
from prism.nlp.korean import reports_later_day
from prism.nlp.tokens import get_tokenizer
from prism.services.pool import INDEX_BODY_CHARS, CandidatePool, query_terms

BODY_FULL_CHARS = 1500  # a body this long earns the whole length bonus
# An article its own text shows to be older than its estimated date scores this
# share of what it would (it fills a briefing only when fresher news runs out).
DOUBTFUL_DATE_FACTOR = 0.5


@dataclass
class Scores:
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


def score_pool(pool: CandidatePool, reader_type: ReaderType) -> Scores:
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
    return Scores(
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
