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

_PRIME = 4294967291  # the largest prime below 2**32, so signatures fit in uint32
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
        self._a = rng.integers(1, _PRIME, num_permutations, dtype=np.uint64)
        self._b = rng.integers(0, _PRIME, num_permutations, dtype=np.uint64)
        self._signatures: dict[Hashable, np.ndarray] = {}
        self._buckets: dict[tuple[int, bytes], list[Hashable]] = defaultdict(list)
        self._sentences: dict[Hashable, int] = {}
        self._sentence_keys: dict[int, list[Hashable]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._signatures)

    def signature(self, body: str) -> np.ndarray | None:
        """The body's MinHash signature, or None for a body without text."""
        hashes = shingles(body)
        if not len(hashes):
            return None
        signature = np.full(len(self._a), _PRIME, dtype=np.uint64)
        for start in range(0, len(hashes), _CHUNK):
            chunk = hashes[start : start + _CHUNK]
            values = (np.outer(self._a, chunk) + self._b[:, None]) % np.uint64(_PRIME)
            np.minimum(signature, values.min(axis=1), out=signature)
        return signature.astype(np.uint32)

    def _bands(self, signature: np.ndarray) -> list[tuple[int, bytes]]:
        rows = self.rows
        return [
            (band, signature[band * rows : (band + 1) * rows].tobytes())
            for band in range(self.bands)
        ]

    def add(self, key: Hashable, body: str) -> None:
        """Index ``body`` under ``key`` (a body without text is ignored)."""
        signature = self.signature(body)
        if signature is None or key in self._signatures:
            return
        self._signatures[key] = signature
        for band in self._bands(signature):
            self._buckets[band].append(key)
        sentences = _sentence_hashes(body)
        self._sentences[key] = len(sentences)
        for sentence in sentences:
            self._sentence_keys[sentence].append(key)

    def find(self, body: str) -> tuple[Hashable, float] | None:
        """The key most similar to ``body`` and its similarity, if >= threshold."""
        signature = self.signature(body)
        if signature is None:
            return None
        candidates = {
            key
            for band in self._bands(signature)
            for key in self._buckets.get(band, ())
        }
        sentences = _sentence_hashes(body)
        shared = Counter(
            key for s in sentences for key in self._sentence_keys.get(s, ())
        )
        best: tuple[Hashable, float] | None = None
        for key in candidates | set(shared):
            estimate = float(np.mean(self._signatures[key] == signature))
            fewer = min(len(sentences), self._sentences[key])
            if fewer >= MIN_CONTAINMENT_SENTENCES:
                estimate = max(estimate, shared[key] / fewer)
            if best is None or estimate > best[1]:
                best = (key, estimate)
        if best is None or best[1] < self.threshold:
            return None
        return best[0], round(best[1], 4)
