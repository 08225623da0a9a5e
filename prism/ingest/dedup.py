"""Exact and near-duplicate detection over cleaned article bodies.

Exact duplicates share ``content_hash`` (SHA-256 of the whitespace-normalized body).
Near-duplicates are found by ``NearDuplicateIndex``: character 5-gram shingles,
MinHash signatures with LSH banding estimate the Jaccard similarity of two bodies,
and an index of long sentences measures containment, so that an article pasted whole
into a longer compilation (as newsroom dumps do) is caught although its Jaccard
similarity with the compilation is low. The similarity of two bodies is the larger of
the two measures.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable

import numpy as np

SHINGLE_CHARS = 5
NUM_PERMUTATIONS = 128
LSH_BANDS = 32  # 4 rows per band: pairs from Jaccard ~0.45 up become candidates
DEFAULT_THRESHOLD = 0.8
# Sentences shorter than this ("밝혔다.") are too common to say two bodies share text.
MIN_SENTENCE_CHARS = 20
# Containment needs this many such sentences on both sides to mean anything.
MIN_CONTAINMENT_SENTENCES = 2

_SEED = 20250415
_CHUNK = 4096
_WHITESPACE = re.compile(r"\s+")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[”\"’']*\s+|\n+")


def normalize_body(body: str) -> str:
    """NFKC-normalized body with whitespace runs collapsed, as hashed and shingled."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", body)).strip()


def content_hash(body: str) -> str:
    """SHA-256 hex digest of the normalized body: equal for exact duplicates."""
    return hashlib.sha256(normalize_body(body).encode("utf-8")).hexdigest()


def shingles(body: str, size: int = SHINGLE_CHARS) -> np.ndarray:
    """Sorted unique 32-bit hashes of the body's character ``size``-grams.

    Spaces are dropped first: Korean spacing varies between copies of one text.
    """
    text = _WHITESPACE.sub("", normalize_body(body).lower())
    if not text:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < size:
        size = len(codes)
    grams = np.lib.stride_tricks.sliding_window_view(codes, size)
    weights = np.uint64(1_000_003) ** np.arange(size, dtype=np.uint64)
    with np.errstate(over="ignore"):
        mixed = (grams * weights).sum(axis=1, dtype=np.uint64)
    folded = (mixed >> np.uint64(32)) ^ (mixed & np.uint64(0xFFFFFFFF))
    return np.unique(folded)


def jaccard(first: str, second: str) -> float:
    """Exact Jaccard similarity of two bodies' shingle sets."""
    a, b = shingles(first), shingles(second)
    if not len(a) or not len(b):
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def _sentence_hashes(body: str) -> set[int]:
    """Hashes of the body's long sentences, whitespace removed."""
    hashes = set()
    for sentence in _SENTENCE_SPLIT.split(normalize_body(body)):
        compact = _WHITESPACE.sub("", sentence)
        if len(compact) >= MIN_SENTENCE_CHARS:
            digest = hashlib.blake2b(compact.encode("utf-8"), digest_size=8).digest()
            hashes.add(int.from_bytes(digest, "big"))
    return hashes


class NearDuplicateIndex:
    """Bodies by key; ``find`` returns the most similar one above the threshold."""

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        num_permutations: int = NUM_PERMUTATIONS,
        bands: int = LSH_BANDS,
    ) -> None:
        if num_permutations % bands:
            raise ValueError("num_permutations must be a multiple of bands")
        self.threshold = threshold
        self.bands = bands
        self.rows = num_permutations // bands
        rng = np.random.default_rng(_SEED)
        # Multiply-shift hashing, h -> (a*h + b mod 2**64) >> 32 with odd a: as good
        # as a random permutation for MinHash and far cheaper than a prime modulus.
        self._a = rng.integers(0, 2**63, num_permutations, dtype=np.uint64) * 2 + 1
        self._b = rng.integers(0, 2**63, num_permutations, dtype=np.uint64)
        self._signatures: dict[Hashable, np.ndarray] = {}
        self._buckets: dict[tuple[int, bytes], list[Hashable]] = defaultdict(list)
        self._sentences: dict[Hashable, int] = {}
        self._sentence_keys: dict[int, list[Hashable]] = defaultdict(list)
        self._last: tuple[str, np.ndarray | None, set[int]] | None = None

    def __len__(self) -> int:
        return len(self._signatures)

    def signature(self, body: str) -> np.ndarray | None:
        """The body's MinHash signature, or None for a body without text."""
        hashes = shingles(body)
        if not len(hashes):
            return None
        signature = np.full(len(self._a), 2**32 - 1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for start in range(0, len(hashes), _CHUNK):
                chunk = hashes[start : start + _CHUNK]
                values = np.outer(self._a, chunk) + self._b[:, None]
                values >>= np.uint64(32)
                np.minimum(signature, values.min(axis=1), out=signature)
        return signature.astype(np.uint32)

    def _bands(self, signature: np.ndarray) -> list[tuple[int, bytes]]:
        rows = self.rows
        return [
            (band, signature[band * rows : (band + 1) * rows].tobytes())
            for band in range(self.bands)
        ]

    def _features(self, body: str) -> tuple[np.ndarray | None, set[int]]:
        """Signature and sentence hashes, remembered for the last body seen."""
        # The import service asks find() and then add() about the same body.
        if self._last is None or self._last[0] != body:
            self._last = (body, self.signature(body), _sentence_hashes(body))
        return self._last[1], self._last[2]

    def add(self, key: Hashable, body: str) -> None:
        """Index ``body`` under ``key`` (a body without text is ignored)."""
        signature, sentences = self._features(body)
        if signature is None or key in self._signatures:
            return
        self._signatures[key] = signature
        for band in self._bands(signature):
            self._buckets[band].append(key)
        self._sentences[key] = len(sentences)
        for sentence in sentences:
            self._sentence_keys[sentence].append(key)

    def _containment(self, sentences: set[int]) -> dict[Hashable, float]:
        """Share of the shorter text's long sentences found in each indexed body."""
        shared = Counter(
            key for s in sentences for key in self._sentence_keys.get(s, ())
        )
        scores = {}
        for key, count in shared.items():
            fewer = min(len(sentences), self._sentences[key])
            if fewer >= MIN_CONTAINMENT_SENTENCES:
                scores[key] = count / fewer
        return scores

    def find(self, body: str) -> tuple[Hashable, float] | None:
        """The key most similar to ``body`` and its similarity, if >= threshold."""
        signature, sentences = self._features(body)
        if signature is None:
            return None
        scores = {
            key: score
            for key, score in self._containment(sentences).items()
            if score >= self.threshold
        }
        candidates = list(
            {
                key
                for band in self._bands(signature)
                for key in self._buckets.get(band, ())
            }
        )
        if candidates:
            matrix = np.stack([self._signatures[key] for key in candidates])
            estimates = np.count_nonzero(matrix == signature, axis=1) / len(signature)
            for key, estimate in zip(candidates, estimates.tolist(), strict=True):
                scores[key] = max(scores.get(key, 0.0), estimate)
        if not scores:
            return None
        key = max(scores, key=scores.__getitem__)
        if scores[key] < self.threshold:
            return None
        return key, round(scores[key], 4)
