"""The embedded extractive summarizer: the source sentences that say the most.

Each usable sentence is scored by graph centrality (PageRank over TF-IDF cosine
similarity of its nouns and numbers), overlap with the headline and its position
(news puts the essentials first). The best combination of ``n`` sentences that fits
the character budget and does not repeat itself is returned in article order, each
with its offsets in the body. The article is tagged once; everything else is a few
small matrix operations, so the summarizer runs at nearly the tagger's speed.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from prism.nlp.keywords import STOPWORDS, KeywordExtractor, noun_units
from prism.nlp.korean import (
    introduced_earlier,
    is_first_person,
    leans_on_previous,
    needs_context,
)
from prism.nlp.noise import (
    CAPTION_CREDIT,
    glued_heading,
    is_dangling,
    noise_reason,
    prefix_length,
    recurring_subjects,
    unread,
)
from prism.nlp.sentences import Sentence, split_sentences
from prism.nlp.summarize import Summary
from prism.nlp.tokens import Token, Tokenizer, get_tokenizer, tokenize_with_offsets

ALGORITHM_VERSION = "1.7"
CONTINUATION_MAX_CHARS = 60
# Form problems that still leave a sentence usable when an article has nothing better.
RELAXABLE = {
    "not_declarative", "too_short", "heading_glued", "quote_only", "question",
    "first_person",
}  # fmt: skip
NO_SENTENCES = "요약할 수 있는 문장이 없습니다."


@dataclass(frozen=True)
class ExtractiveWeights:
    """How much each signal counts (tuned on labelled news, then read by eye)."""

    centrality: float = 1.0
    title: float = 0.8
    lead: float = 1.0
    lead_decay: float = 4.0
    first_sentence: float = 0.5
    quote_penalty: float = 0.3
    dangling_penalty: float = 0.5
    redundancy: float = 1.5
    duplicate_similarity: float = 0.55
    short_penalty: float = 1.5
    conclusion: float = 0.6
    # A sentence giving a figure the headline gives ("1100명", "92%"): the
    # headline promises it.
    title_figure: float = 0.5
    pool: int = 10


@dataclass
class _Candidate:
    sentence: Sentence
    terms: Counter[str]
    score: float = 0.0
    index: int = -1  # place among the body's sentences
    leans: bool = False  # opens by pointing at the sentence before it
    # Needs what comes before it to be understood (korean.needs_context, or a name
    # the article introduced earlier): a summary should not open on it.
    opens_badly: bool = False


class ExtractiveSummarizer:
    """Graph centrality + headline overlap + lead position, under a length budget."""

    backend = "extractive"

    def __init__(
        self,
        tokenizer: str | Tokenizer = "okt",
        min_chars: int = 150,
        max_chars: int = 300,
        keywords: int = 5,
        keyword_extractor: KeywordExtractor | None = None,
        **weights: float,
    ) -> None:
        self._tokenizer = tokenizer
        self.min_chars = int(min_chars)
        self.max_chars = int(max_chars)
        self.keyword_count = int(keywords)
        self.weights = ExtractiveWeights(**weights)
        self._keyword_extractor = keyword_extractor
        name = tokenizer if isinstance(tokenizer, str) else tokenizer.name
        self.model_name = f"prism-textrank/{name}"
        settings = {
            "min": self.min_chars,
            "max": self.max_chars,
            **asdict(self.weights),
        }
        digest = hashlib.sha1(
            json.dumps(settings, sort_keys=True).encode(), usedforsecurity=False
        ).hexdigest()[:8]
        self.model_version = f"{ALGORITHM_VERSION}+{digest}"

    @property
    def tokenizer(self) -> Tokenizer:
        if isinstance(self._tokenizer, str):
            self._tokenizer = get_tokenizer(self._tokenizer)
        return self._tokenizer

    @property
    def keyword_extractor(self) -> KeywordExtractor:
        if self._keyword_extractor is None:
            self._keyword_extractor = KeywordExtractor(self.tokenizer)
        return self._keyword_extractor

    def summarize(self, title: str, body: str, n_sentences: int = 3) -> Summary:
        """The ``n_sentences`` best sentences of ``body`` in article order."""
        started = time.perf_counter()
        article = TaggedArticle.tag(self.tokenizer, title, body)
        chosen, candidates = self.select_with_candidates(article, n_sentences)
        keywords = self.keywords(article, candidates)
        return Summary(
            text=" ".join(sentence.text for sentence in chosen),
            sentences=chosen,
            keywords=keywords,
            backend=self.backend,
            model_name=self.model_name,
            model_version=self.model_version,
            duration_ms=int((time.perf_counter() - started) * 1000),
            fallback_reason="" if chosen else NO_SENTENCES,
        )

    def summarize_batch(
        self, documents: Sequence[tuple[str, str]], n_sentences: int = 3
    ) -> list[Summary]:
        """Summaries of ``(title, body)`` pairs, in order."""
        return [self.summarize(title, body, n_sentences) for title, body in documents]

    def select(self, article: TaggedArticle, n_sentences: int) -> list[Sentence]:
        """The chosen sentences of a tagged article, in article order."""
        return self.select_with_candidates(article, n_sentences)[0]

    def keywords(
        self, article: TaggedArticle, candidates: list[_Candidate] | None = None
    ) -> list[str]:
        """Keywords of the headline and the usable sentences (not of captions,
        bylines or page furniture, which name places and people, not the story)."""
        if candidates is None:
            candidates = _candidates(article, 3)
        spans = sorted(
            (c.sentence.start + article.shift, c.sentence.end + article.shift)
            for c in candidates
        )
        starts = [start for start, _ in spans]
        units = [
            unit
            for unit in article.units
            if unit[0] < article.shift or _inside(unit[0], starts, spans)
        ]
        return self.keyword_extractor.keywords_from_tokens(
            article.text,
            article.tokens,
            k=self.keyword_count,
            title_end=article.shift,
            units=units,
        )

    def select_with_candidates(
        self, article: TaggedArticle, n_sentences: int
    ) -> tuple[list[Sentence], list[_Candidate]]:
        """The chosen sentences and every usable sentence they were chosen from."""
        candidates = _candidates(article, max(n_sentences, 1))
        if not candidates or n_sentences <= 0:
            return [], candidates
        essay = is_essay(article.title, article.body)
        similarity = self._score(candidates, article.title_terms(), essay=essay)
        return self._choose(candidates, similarity, n_sentences), candidates

    def _score(
        self,
        candidates: list[_Candidate],
        title_terms: Counter[str],
        *,
        essay: bool = False,
    ):
        """Score every candidate; return their pairwise cosine similarities.

        News puts the essentials first; a column or an analysis states its thesis
        in the headline and the closing sentences, after an anecdotal opening, so
        there position counts less and the conclusion more.
        """
        w = self.weights
        documents = len(candidates)
        frequency: Counter[str] = Counter()
        for candidate in candidates:
            frequency.update(candidate.terms.keys())
        idf = {
            term: math.log((documents + 1) / (count + 1)) + 1.0
            for term, count in frequency.items()
        }
        vocabulary = {term: i for i, term in enumerate(idf)}
        matrix = _tfidf_matrix([c.terms for c in candidates], idf, vocabulary)
        similarity = matrix @ matrix.T
        centrality = _pagerank(similarity)
        centrality = (centrality / (centrality.max() or 1.0)).tolist()
        title_vector = _tfidf_matrix([title_terms], idf, vocabulary)[0]
        title_overlap = (matrix @ title_vector).tolist()
        lead = w.lead * (0.4 if essay else 1.0)
        last = len(candidates) - 1
        figures = {term for term in title_terms if term[:1].isdigit()}
        for rank, candidate in enumerate(candidates):
            text = candidate.sentence.text
            candidate.score = (
                w.centrality * centrality[rank]
                + w.title * (1.5 if essay else 1.0) * title_overlap[rank]
                + lead * math.exp(-rank / w.lead_decay)
                + (w.first_sentence if rank == 0 and not essay else 0.0)
                + (w.conclusion if essay and last - rank < 2 else 0.0)
                + (w.title_figure if figures & candidate.terms.keys() else 0.0)
            )
            if essay and is_first_person(text):
                candidate.score -= w.dangling_penalty
            if "“" in text or '"' in text:
                candidate.score -= w.quote_penalty
            if is_dangling(text):
                candidate.score -= w.dangling_penalty
        return similarity

    def _choose(
        self, candidates: list[_Candidate], similarity: np.ndarray, n_sentences: int
    ) -> list[Sentence]:
        """Best non-redundant combination within the budget, in article order."""
        w = self.weights
        pool = sorted(range(len(candidates)), key=lambda i: -candidates[i].score)
        pool = pool[: w.pool]
        lengths = {i: len(candidates[i].sentence.text) for i in pool}
        scores = {i: candidates[i].score for i in pool}
        penalty = {}
        for a, b in itertools.combinations(pool, 2):
            sim = float(similarity[a, b])
            penalty[a, b] = penalty[b, a] = (
                None
                if sim > w.duplicate_similarity
                else w.redundancy * max(0.0, sim - 0.15)
            )
        # A sentence that points back ("이날", "그는") only comes with the one before.
        by_index = {candidates[i].index: i for i in pool}
        needs = {
            i: by_index.get(candidates[i].index - 1, -1)
            for i in pool
            if candidates[i].leans
        }
        order = {i: candidates[i].index for i in pool}
        opens_badly = {i: candidates[i].opens_badly for i in pool}
        # A short sentence that only continues the one before it ("우리 돈
        # 160조원 상당의 대규모 투자 계획을 밝히면서다.") tells one point with it:
        # the pair counts as one sentence.
        continues = {
            i: by_index[candidates[i].index - 1]
            for i in pool
            if (candidates[i].opens_badly or candidates[i].leans)
            and lengths[i] <= CONTINUATION_MAX_CHARS
            and candidates[i].index - 1 in by_index
        }
        best: tuple[bool, float, tuple[int, ...]] | None = None
        for size in range(min(n_sentences, len(pool)), 0, -1):
            combos = itertools.chain(
                itertools.combinations(pool, size),
                (
                    combo
                    for combo in itertools.combinations(pool, size + 1)
                    if sum(continues.get(i) in combo for i in combo) == 1
                ),
            )
            for combo in combos:
                if any(needs.get(i, i) not in combo for i in combo if i in needs):
                    continue
                length = sum(lengths[i] for i in combo) + size - 1
                if length > self.max_chars:
                    continue
                value = self._value(combo, length, scores, penalty)
                if value is None:
                    continue
                # Within the budget beats too short; a summary that opens on a
                # sentence needing its predecessor ("…셈이다", "이날") loses to any
                # that does not; then the higher value wins.
                opens_well = not opens_badly[min(combo, key=order.get)]
                key = (length >= self.min_chars, opens_well, value, combo)
                if best is None or key[:3] > best[:3]:
                    best = key
            if best is not None:
                break
        # Nothing fits the budget: the single best sentence beats an empty summary.
        combo = best[3] if best is not None else (pool[0],)
        return sorted((candidates[i].sentence for i in combo), key=lambda s: s.start)

    def _value(self, combo, length, scores, penalty) -> float | None:
        value = sum(scores[i] for i in combo)
        for pair in itertools.combinations(combo, 2):
            if penalty[pair] is None:
                return None  # two sentences saying the same thing
            value -= penalty[pair]
        if length < self.min_chars:
            value -= (
                self.weights.short_penalty * (self.min_chars - length) / self.min_chars
            )
        return value


@dataclass
class TaggedArticle:
    """An article tagged once: ``text`` is ``title + "\\n" + body``."""

    title: str
    body: str
    text: str
    shift: int
    tokens: list[Token]
    units: list[tuple[int, int, int, int]]

    @classmethod
    def tag(cls, tokenizer: Tokenizer, title: str, body: str) -> TaggedArticle:
        title = " ".join((title or "").split())
        text = f"{title}\n{body}" if title else body
        tokens = tokenize_with_offsets(tokenizer, text)
        units = noun_units(text, tokens)
        return cls(title, body, text, len(title) + 1 if title else 0, tokens, units)

    def terms_between(self, start: int, end: int) -> Counter[str]:
        """Content terms (compound nouns, numbers with units) in ``text[start:end]``."""
        terms: Counter[str] = Counter()
        for unit_start, unit_end, _, _ in self.units:
            if start <= unit_start < end:
                word = self.text[unit_start:unit_end]
                if word not in STOPWORDS and (len(word) > 1 or not word.isalpha()):
                    terms[word] += 1
        tokens = self.tokens
        for i, token in enumerate(tokens):
            if token.is_number and start <= token.start < end:
                unit = tokens[i + 1].form if i + 1 < len(tokens) else ""
                terms[token.form + unit] += 1
        return terms

    def title_terms(self) -> Counter[str]:
        return self.terms_between(0, self.shift - 1) if self.shift else Counter()


def is_essay(title: str, body: str) -> bool:
    """Whether an article argues a thesis (column, analysis) rather than reports."""
    from prism.ingest.kinds import ANALYSIS, OPINION, classify_article

    return classify_article(title, body).kind in {OPINION, ANALYSIS}


def _candidates(article: TaggedArticle, n_sentences: int) -> list[_Candidate]:
    """Usable sentences of the body, trimmed of cuttable prefixes, with terms.

    Short but complete sentences join in when there are too few usable ones (a
    two-sentence brief); an article with no usable sentence at all falls back to
    sentences with form problems, never to bylines, captions or furniture.
    """
    sentences = split_sentences(article.body)
    terms = _terms_by_sentence(article, sentences)
    subjects = recurring_subjects([s.text for s in sentences])
    usable: list[tuple[int, _Candidate]] = []
    short: list[tuple[int, _Candidate]] = []
    relaxed: list[tuple[int, _Candidate]] = []
    seen: set[str] = set()
    read: list[str] = []  # what a reader has met before each sentence
    for index, sentence in enumerate(sentences):
        cut = prefix_length(sentence.text)
        trimmed = Sentence(sentence.text[cut:], sentence.start + cut, sentence.end)
        if trimmed.text in seen or not terms[index]:
            continue
        seen.add(trimmed.text)
        following = sentences[index + 1].text if index + 1 < len(sentences) else ""
        reason = _reason(trimmed.text, index, following, subjects)
        candidate = (
            index,
            _Candidate(
                trimmed,
                terms[index],
                index=index,
                leans=leans_on_previous(trimmed.text),
                opens_badly=needs_context(trimmed.text)
                or introduced_earlier(trimmed.text, " ".join(read), article.title),
            ),
        )
        if not unread(trimmed.text, reason):
            read.append(trimmed.text)
        if not reason:
            usable.append(candidate)
        elif reason == "too_short":
            short.append(candidate)
        elif reason in RELAXABLE:
            relaxed.append(candidate)
    if len(usable) < n_sentences:
        usable = sorted(usable + short)
    return [candidate for _, candidate in usable or relaxed]


def _reason(text: str, index: int, following: str, subjects: set[str]) -> str:
    """Why a sentence cannot be used, looking at its neighbour too."""
    reason = noise_reason(text)
    if not reason and glued_heading(text, subjects):
        reason = "heading_glued"
    if not reason and is_first_person(text):
        reason = "first_person"  # the writer's or reporter's own voice
    # A photo caption is followed by its credit ("… 발표하고 있다. (사진=…)") or, at
    # the top of regional papers, by the reporter's byline.
    if not reason and following:
        if CAPTION_CREDIT.match(following) or (
            index < 3 and noise_reason(following) in {"byline", "contact"}
        ):
            reason = "caption"
    return reason


def _terms_by_sentence(
    article: TaggedArticle, sentences: list[Sentence]
) -> list[Counter[str]]:
    """Terms of each sentence, assigning units and numbers in one pass."""
    result: list[Counter[str]] = [Counter() for _ in sentences]
    if not sentences:
        return result
    starts = [s.start + article.shift for s in sentences]
    ends = [s.end + article.shift for s in sentences]
    text, k = article.text, 0
    for unit_start, unit_end, _, _ in article.units:
        while k < len(sentences) and unit_start >= ends[k]:
            k += 1
        if k == len(sentences):
            break
        if unit_start >= starts[k]:
            word = text[unit_start:unit_end]
            if word not in STOPWORDS and (len(word) > 1 or not word.isalpha()):
                result[k][word] += 1
    tokens, k = article.tokens, 0
    for i, token in enumerate(tokens):
        if not token.is_number:
            continue
        while k < len(sentences) and token.start >= ends[k]:
            k += 1
        if k == len(sentences):
            break
        if token.start >= starts[k]:
            unit = tokens[i + 1].form if i + 1 < len(tokens) else ""
            result[k][token.form + unit] += 1
    return result


def _inside(position: int, starts: list[int], spans: list[tuple[int, int]]) -> bool:
    index = bisect.bisect_right(starts, position) - 1
    return index >= 0 and position < spans[index][1]


def _tfidf_matrix(
    rows: list[Counter[str]], idf: dict[str, float], vocabulary: dict[str, int]
) -> np.ndarray:
    """L2-normalised TF-IDF rows (sublinear term frequency)."""
    row_index, column_index, values = [], [], []
    for row, terms in enumerate(rows):
        for term, count in terms.items():
            column = vocabulary.get(term)
            if column is not None:
                row_index.append(row)
                column_index.append(column)
                values.append((1.0 + math.log(count)) * idf[term])
    matrix = np.zeros((len(rows), len(vocabulary)))
    matrix[row_index, column_index] = values
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=matrix, where=norms > 0)


def _pagerank(similarity: np.ndarray, damping: float = 0.85) -> np.ndarray:
    """Stationary scores of a random walk over the sentence similarity graph."""
    size = len(similarity)
    weights = similarity.copy()
    np.fill_diagonal(weights, 0.0)
    totals = weights.sum(axis=1, keepdims=True)
    transition = np.divide(
        weights, totals, out=np.full_like(weights, 1.0 / size), where=totals > 0
    )
    scores = np.full(size, 1.0 / size)
    for _ in range(50):
        updated = (1 - damping) / size + damping * transition.T @ scores
        if np.abs(updated - scores).sum() < 1e-6:
            return updated
        scores = updated
    return scores
