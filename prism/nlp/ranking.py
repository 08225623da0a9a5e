"""Ranking a day's articles: BM25 relevance, story vectors and same-story neighbours.

Plain Python over each article's noun index (``{term: count}``); no Django. The
selection service (:mod:`prism.services.selection`) builds a pool of these and adds
the newsroom's signals (sections, recency, importance, article kinds).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

import numpy as np

BM25_K1 = 1.2
BM25_B = 0.75
# Story detection: cosine similarity of TF-IDF vectors over each article's most
# distinctive terms. Terms in more than STORY_MAX_DF articles name a topic, not an
# event, so they are left out; this also keeps the pairwise pass linear in pool size.
STORY_TERMS = 20
STORY_MAX_DF = 40
STORY_SIMILARITY = 0.33


def bm25_idf(documents: int, frequency: int) -> float:
    """BM25's inverse document frequency (never negative)."""
    return math.log(1.0 + (documents - frequency + 0.5) / (frequency + 0.5))


def bm25_scores(
    postings: Mapping[str, tuple[np.ndarray, np.ndarray]],
    lengths: np.ndarray,
    idf: Callable[[str], float],
    terms: Iterable[str],
) -> np.ndarray:
    """The BM25 score of every document for a bag of query ``terms``."""
    scores = np.zeros(len(lengths))
    if not len(lengths):
        return scores
    average = float(lengths.mean())
    for term in terms:
        posting = postings.get(term)
        if posting is None:
            continue
        rows, tf = posting
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[rows] / average)
        scores[rows] += idf(term) * tf * (BM25_K1 + 1) / (tf + norm)
    return scores


class PoolDocumentFrequency(Counter):
    """Keyword document frequencies derived from the pool's noun index.

    A keyphrase ("관세 대응") is as rare as its rarest word; a compound the index
    split ("퓨리오사AI") and never saw counts as rare. No second pass over the pool.
    """

    def __init__(self, noun_frequency: Mapping[str, int]) -> None:
        super().__init__()
        self.noun_frequency = noun_frequency

    def get(self, term: str, default: int = 0) -> int:  # type: ignore[override]
        parts = [p.lower() for p in str(term).split()]
        known = [self.noun_frequency[p] for p in parts if p in self.noun_frequency]
        return min(known) if known else default


def story_vector(terms: Mapping[str, int], df: Counter, n: int) -> dict[str, float]:
    """L2-normalised TF-IDF of the article's ``STORY_TERMS`` most distinctive terms."""
    weighted = {
        term: (1 + math.log(count)) * math.log((1 + n) / (1 + df[term]))
        for term, count in terms.items()
    }
    top = sorted(weighted.items(), key=lambda kv: (-kv[1], kv[0]))[:STORY_TERMS]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {term: w / norm for term, w in top if w > 0}


def story_neighbors(
    vectors: list[dict[str, float]], df: Counter
) -> list[dict[int, float]]:
    """Pairs of articles about the same story, via an inverted index of rare terms."""
    index: dict[str, list[tuple[int, float]]] = {}
    for row, vector in enumerate(vectors):
        for term, weight in vector.items():
            if df[term] <= STORY_MAX_DF:
                index.setdefault(term, []).append((row, weight))
    neighbors: list[dict[int, float]] = [{} for _ in vectors]
    for row, vector in enumerate(vectors):
        scores: dict[int, float] = {}
        for term, weight in vector.items():
            for other, other_weight in index.get(term, ()):
                if other != row:
                    scores[other] = scores.get(other, 0.0) + weight * other_weight
        neighbors[row] = {
            other: score for other, score in scores.items() if score >= STORY_SIMILARITY
        }
    return neighbors
