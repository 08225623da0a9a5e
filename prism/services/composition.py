"""Composing a briefing from a selection: lead, three themed sections, items, keywords.

Everything here is extractive and reads only: the lead and the section paragraphs
are made of source sentences, chosen so that no sentence appears twice in a
briefing and the section paragraphs never repeat an item's 핵심 요약. The
generator (:mod:`prism.services.generation`) writes the result.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from prism.conf import prism_settings
from prism.models import Article, ReaderType
from prism.nlp.keywords import KeywordExtractor, candidates_from_tokens
from prism.nlp.noise import is_dangling, noise_reason, prefix_length
from prism.nlp.sentences import split_sentences
from prism.nlp.tokens import Tokenizer, get_tokenizer, tokenize_with_offsets
from prism.nlp.tokens import tokens_in_spans as group_tokens
from prism.services.selection import (
    CandidatePool,
    SelectedItem,
    Selection,
    is_index_term,
)

logger = logging.getLogger(__name__)

LEAD_PARAGRAPHS = 3
LEAD_SENTENCES = (2, 4)  # sentences per lead paragraph: at least, at most
SECTION_SENTENCES = (3, 5)
SECTION_TARGET = 4
HEADING_MAX_CHARS = 24
CARD_HEADLINE_CHARS = 60
SIMILAR_SENTENCE = 0.5  # noun-set Jaccard at which two sentences say the same
KEYWORD_CANDIDATES = 15
PHRASE_BONUS = 1.3
GENERIC_SHARE = 0.2  # a word in more of the pool than this is too common for a keyword
GENERIC_MIN_POOL = 10
TEXT_CACHE_SIZE = 2_000
# Titles after which a word is a person's name, never a keyword ("정윤호 대표").
PERSON_TITLES = (
    "대표|회장|부회장|사장|부사장|전무|상무|장관|차관|총재|부총재|위원장|의원|교수|"
    "원장|부원장|청장|처장|실장|국장|과장|부장|팀장|센터장|본부장|연구원|연구위원|"
    "대변인|애널리스트|이사장|대통령|총리|CEO|CFO|CTO|씨"
)
COMMON_SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민"
    "진나엄채원천방공현함변염여추도석선설마길연위표명기왕금옥육인맹제모탁국은편용예경봉"
)
PERSON = re.compile(
    r"([가-힣]{3})\s+(?:[가-힣A-Za-z0-9·]+\s+){0,2}?"
    rf"(?:{PERSON_TITLES})(?=[은는이가의도와과께,.\s”’)]|$)"
)


# ------------------------------------------------------------------ data shapes


@dataclass(frozen=True)
class ItemSummary:
    """The 핵심 요약 an item carries and which summarizer made it."""

    text: str
    sentences: list[dict[str, Any]]
    backend: str = ""
    model_name: str = ""
    model_version: str = ""


@dataclass
class ComposedSection:
    position: int
    heading: str
    body: str
    ranks: list[int] = field(default_factory=list)
    keyphrases: list[str] = field(default_factory=list)


@dataclass
class ComposedItem:
    rank: int
    group: str
    article: Article
    headline: str
    summary: str
    summary_sentences: list[dict[str, Any]]
    related_articles: list[Article]
    selection_reason: dict[str, Any]


@dataclass
class Composition:
    """Every part of a briefing, ready to be written."""

    headline: str
    header_line: str
    editors_note: str
    lead: str
    sections: list[ComposedSection]
    items: list[ComposedItem]
    keywords: list[str]
    footer: str
    notes: list[str] = field(default_factory=list)
    summarizers: list[dict[str, str]] = field(default_factory=list)
    # Quality findings a composer adds itself (e.g. a generative composer's dropped
    # sentences); merged into the briefing's quality report.
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def lead_paragraphs(self) -> list[str]:
        return [p for p in self.lead.split("\n\n") if p.strip()]


# --------------------------------------------------------------- article texts


@dataclass(frozen=True)
class ArticleText:
    """An article analysed once: usable sentences, their nouns, keyword candidates."""

    article_id: int
    sentences: list[str]
    terms: list[frozenset[str]]
    positions: list[int]
    candidates: dict[str, Any]
    length: int
    names: frozenset[str]


_text_cache: OrderedDict[tuple, ArticleText] = OrderedDict()
_text_cache_lock = threading.Lock()


def article_text(article: Article, tokenizer: Tokenizer | None = None) -> ArticleText:
    """Tag ``article``'s headline and body once per process and keep what we need."""
    key = (article.pk, article.content_hash, article.headline)
    with _text_cache_lock:
        cached = _text_cache.get(key)
        if cached is not None:
            return cached
    tokenizer = tokenizer or get_tokenizer(prism_settings.TOKENIZER)
    title_end = len(article.headline)
    text = f"{article.headline}\n{article.body}"
    tokens = tokenize_with_offsets(tokenizer, text)
    sentences = [s for s in split_sentences(text) if s.start > title_end]
    groups = group_tokens(tokens, [(s.start, s.end) for s in sentences])
    texts, terms, positions = [], [], []
    for position, (sentence, sentence_tokens) in enumerate(
        zip(sentences, groups, strict=True)
    ):
        clean = sentence.text[prefix_length(sentence.text) :].strip()
        if noise_reason(clean):
            continue
        texts.append(clean)
        terms.append(
            frozenset(
                t.form.lower()
                for t in sentence_tokens
                if t.is_noun and is_index_term(t.form)
            )
        )
        positions.append(position)
    entry = ArticleText(
        article_id=article.pk,
        sentences=texts,
        terms=terms,
        positions=positions,
        candidates=candidates_from_tokens(text, tokens, title_end=title_end),
        length=len(text),
        names=frozenset(person_names(text)),
    )
    with _text_cache_lock:
        _text_cache[key] = entry
        while len(_text_cache) > TEXT_CACHE_SIZE:
            _text_cache.popitem(last=False)
    return entry


def clear_caches() -> None:
    """Forget analysed article texts (tests, benchmarks)."""
    with _text_cache_lock:
        _text_cache.clear()


# ------------------------------------------------------------------- summaries


def item_summary(article: Article) -> ItemSummary:
    """The article's current 핵심 요약, summarizing it now if it has none."""
    summary = article.current_summary()
    if summary is None:
        from prism.services.summaries import article_summarize

        summary = article_summarize(article=article)
    return ItemSummary(
        text=summary.text,
        sentences=list(summary.sentences or []),
        backend=summary.backend,
        model_name=summary.model_name,
        model_version=summary.model_version,
    )


# ---------------------------------------------------------------------- themes


def theme_partition(
    similarity: Sequence[Sequence[float]], groups: int
) -> list[list[int]]:
    """Split items ``0..n-1`` into ``groups`` themes of similar items.

    Every partition is tried (at most 90 for six items into three): the one with
    the most similarity inside its themes wins, no theme larger than one above an
    even share. Themes are ordered by their best-ranked item.
    """
    n = len(similarity)
    groups = max(1, min(groups, n))
    if n == 0:
        return []
    largest = math.ceil(n / groups) + 1
    best: tuple[float, list[list[int]]] | None = None
    for labels in _labelings(n, groups):
        themes = [[i for i in range(n) if labels[i] == g] for g in range(groups)]
        if max(len(t) for t in themes) > largest:
            continue
        value = sum(
            similarity[a][b]
            for theme in themes
            for a, b in itertools.combinations(theme, 2)
        )
        if best is None or value > best[0] + 1e-9:
            best = (value, themes)
    assert best is not None
    return sorted(best[1], key=min)


def _labelings(n: int, groups: int) -> Iterable[tuple[int, ...]]:
    """Canonical labelings (restricted growth strings) using ``groups`` labels."""

    def extend(prefix: tuple[int, ...], used: int) -> Iterable[tuple[int, ...]]:
        if len(prefix) == n:
            if used == groups:
                yield prefix
            return
        if groups - used > n - len(prefix):
            return
        for label in range(min(used + 1, groups)):
            yield from extend((*prefix, label), max(used, label + 1))

    yield from extend((), 0)


def _topic_vectors(pool: CandidatePool | None, articles: Sequence[Article]):
    """TF-IDF vectors over all index terms (topic-level, unlike story vectors)."""
    from prism.services.selection import article_terms

    vectors = []
    for article in articles:
        terms = article_terms(article).terms
        weights = {
            term: (1 + math.log(count)) * (pool.idf(term) if pool else 1.0)
            for term, count in terms.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({term: w / norm for term, w in weights.items()})
    return vectors


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    small, large = sorted((a, b), key=len)
    return sum(w * large.get(term, 0.0) for term, w in small.items())


# ------------------------------------------------------------------- keywords


def person_names(text: str) -> set[str]:
    """Names of people in ``text`` (a surname-led word before a title)."""
    return {
        match.group(1)
        for match in PERSON.finditer(text)
        if match.group(1)[0] in COMMON_SURNAMES
    }


def keyphrases(
    extractor: KeywordExtractor,
    texts: Sequence[ArticleText],
    *,
    k: int,
    exclude: Iterable[str] = (),
    lead_first: bool = False,
) -> list[str]:
    """The ``k`` best keywords shared by ``texts`` (pool IDF, headlines count more).

    Words most of the pool uses ("기업", "AI" on a tech-heavy day) say nothing about
    these articles and are left out; noun phrases ("관세 대응") beat single nouns.
    """
    scores: Counter[str] = Counter()
    spread: Counter[str] = Counter()
    names: set[str] = set()
    for order, text in enumerate(texts):
        names |= text.names
        # The first text leads (a theme's best-ranked item), the others follow.
        weight = 1.0 / (1.0 + 0.5 * order) if lead_first else 1.0
        for candidate in text.candidates.values():
            if _generic(extractor, candidate.text):
                continue
            phrase = PHRASE_BONUS if " " in candidate.text else 1.0
            score = keyword_score(extractor, candidate, text.length) * phrase * weight
            scores[candidate.text] += score
            spread[candidate.text] += 1
    return _best_keywords(scores, spread, k=k, exclude={*exclude, *names})


def theme_keyphrases(
    extractor: KeywordExtractor, texts: Sequence[ArticleText], *, exclude: Iterable[str]
) -> list[str]:
    """A theme's keyphrases: its best noun phrase, then the best of another article."""
    exclude = list(exclude)
    ranked = keyphrases(extractor, texts, k=8, exclude=exclude, lead_first=True)
    if not ranked:
        return []
    # Words the headlines use name the story; body words ("절반") may only colour it.
    titled = [p for p in ranked if _in_headline(texts, p)] or ranked
    # A two-word phrase near the top makes a better heading than a lone noun.
    phrases = [p for p in titled[:4] if " " in p]
    first = phrases[0] if phrases else titled[0]
    chosen = [first]
    for text in texts[1:]:
        own = keyphrases(extractor, [text], k=4, exclude=[*exclude, *chosen])
        if own and first not in text.candidates:
            own_titled = [p for p in own if _in_headline([text], p)]
            chosen.append((own_titled or own)[0])
            break
    chosen += [p for p in ranked if not any(_overlaps(p, c) for c in chosen)]
    return chosen[:4]


def _in_headline(texts: Sequence[ArticleText], phrase: str) -> bool:
    return any(
        getattr(text.candidates.get(phrase), "in_title", False) for text in texts
    )


def _generic(extractor: KeywordExtractor, term: str) -> bool:
    """True for words too many pool articles share to characterise a few of them."""
    documents = extractor.documents
    if documents < GENERIC_MIN_POOL:
        return False
    return extractor.document_frequency.get(term, 0) / documents > GENERIC_SHARE


def keyword_score(extractor: KeywordExtractor, candidate: Any, length: int) -> float:
    """TF-IDF of a keyword candidate, favouring the headline and the opening."""
    tf = 1.0 + math.log(max(candidate.count, 1))
    position = 1.0 + 0.5 * (1.0 - candidate.first / max(length, 1))
    title = 1.6 if candidate.in_title else 1.0
    phrase = 1.15 if candidate.parts else 1.0
    return tf * extractor.idf(candidate.text) * position * title * phrase


def _best_keywords(
    scores: Counter, spread: Counter, *, k: int, exclude: set[str]
) -> list[str]:
    """Rank by score, boosted when several articles share a keyword; no overlaps."""
    ranked = sorted(
        scores,
        key=lambda term: (-scores[term] * (1 + 0.25 * (spread[term] - 1)), term),
    )
    chosen: list[str] = []
    for term in ranked:
        if len(chosen) >= k:
            break
        if term in exclude or any(_overlaps(term, other) for other in chosen):
            continue
        if any(part in exclude for part in term.split()):
            continue
        chosen.append(term)
    return chosen


def _overlaps(a: str, b: str) -> bool:
    compact_a, compact_b = a.replace(" ", ""), b.replace(" ", "")
    return compact_a in compact_b or compact_b in compact_a


def with_particle(word: str, vowel: str, consonant: str) -> str:
    """``word`` + the particle form its last sound needs (와/과, 는/은)."""
    last = word.rstrip(")]’”'\" ")[-1:] if word else ""
    if "가" <= last <= "힣":
        has_final = (ord(last) - 0xAC00) % 28 != 0
    elif last.isdigit():
        has_final = last in "0136789"
    elif last.isalpha():
        has_final = last.lower() in "lmnr"
    else:
        has_final = False
    return word + (consonant if has_final else vowel)


def theme_heading(phrases: Sequence[str]) -> str:
    """A short noun phrase from a theme's keyphrases ("HBM4 공급 계약과 세진반도체")."""
    if not phrases:
        return ""
    first = phrases[0]
    for second in phrases[1:]:
        heading = f"{with_particle(first, '와', '과')} {second}"
        if len(heading) <= HEADING_MAX_CHARS:
            return heading
    return first[:HEADING_MAX_CHARS]


# ------------------------------------------------------------------- sentences


@dataclass
class _Sentence:
    text: str
    terms: frozenset[str]
    article_order: int
    position: int


class _SentenceLedger:
    """Sentences already used in the briefing, so none is repeated or paraphrased."""

    def __init__(self) -> None:
        self.texts: set[str] = set()
        self.term_sets: list[frozenset[str]] = []

    @staticmethod
    def normal(text: str) -> str:
        return re.sub(r"\W+", "", text)

    def add(self, text: str, terms: frozenset[str]) -> None:
        self.texts.add(self.normal(text))
        if terms:
            self.term_sets.append(terms)

    def repeats(self, text: str, terms: frozenset[str]) -> bool:
        normal = self.normal(text)
        if normal in self.texts or any(
            normal in used or used in normal for used in self.texts if len(used) > 20
        ):
            return True
        return any(
            len(terms & used) / (len(terms | used) or 1) >= SIMILAR_SENTENCE
            for used in self.term_sets
        )


def _sentence_pool(texts: Sequence[ArticleText]) -> list[_Sentence]:
    return [
        _Sentence(sentence, terms, order, position)
        for order, text in enumerate(texts)
        for sentence, terms, position in zip(
            text.sentences, text.terms, text.positions, strict=True
        )
    ]


def _pick_sentences(
    pool: Sequence[_Sentence],
    focus: set[str],
    ledger: _SentenceLedger,
    *,
    count: int,
) -> list[_Sentence]:
    """The ``count`` most salient unused sentences, in reading order."""

    def salience(s: _Sentence) -> float:
        overlap = len(s.terms & focus) / math.sqrt(len(s.terms) + 1)
        position = 1.0 / (1.0 + 0.25 * s.position)
        quoted = 0.7 if ("“" in s.text or '"' in s.text) else 1.0
        dangling = 0.5 if is_dangling(s.text) else 1.0
        value = (overlap + 0.6 * position) * quoted * dangling
        return value / (1 + 0.3 * s.article_order)

    chosen: list[_Sentence] = []
    for sentence in sorted(pool, key=lambda s: (-salience(s), s.article_order)):
        if len(chosen) >= count:
            break
        if ledger.repeats(sentence.text, sentence.terms):
            continue
        chosen.append(sentence)
        ledger.add(sentence.text, sentence.terms)
    chosen.sort(key=lambda s: (s.article_order, s.position))
    # A paragraph must not open by pointing back at a sentence it does not have.
    for index, sentence in enumerate(chosen):
        if not is_dangling(sentence.text):
            chosen.insert(0, chosen.pop(index))
            break
    return chosen


# ------------------------------------------------------------------ compose


@dataclass
class _Theme:
    items: list[SelectedItem]
    texts: list[ArticleText]
    phrases: list[str]
    focus: set[str]


def briefing_compose(
    *,
    selection: Selection,
    summaries: Mapping[int, ItemSummary] | None = None,
    tokenizer: Tokenizer | None = None,
) -> Composition:
    """Compose every part of the briefing for ``selection`` (no database writes)."""
    tokenizer = tokenizer or get_tokenizer(prism_settings.TOKENIZER)
    summaries = dict(summaries or {})
    for item in selection.items:
        if item.article.pk not in summaries:
            summaries[item.article.pk] = item_summary(item.article)
    extractor = (
        selection.pool.keyword_extractor(tokenizer)
        if selection.pool is not None
        else KeywordExtractor(tokenizer)
    )
    ledger = _SentenceLedger()
    items = _compose_items(selection, summaries, ledger, tokenizer)
    themes = _themes(selection, extractor, tokenizer)
    lead = _lead(themes, summaries, ledger)
    sections, notes = _sections(themes, ledger)
    keywords = _briefing_keywords(selection, extractor, sections, tokenizer)
    headline = card_headline(selection.items[0].article.headline) if items else ""
    return Composition(
        headline=headline,
        header_line=str(prism_settings.HEADER_LINE),
        editors_note=str(prism_settings.EDITORS_NOTE),
        lead="\n\n".join(lead),
        sections=sections,
        items=items,
        keywords=keywords,
        footer=prism_settings.footer,
        notes=[*selection.notes, *notes],
        summarizers=_summarizer_identities(summaries.values()),
    )


def card_headline(headline: str) -> str:
    """A short headline for cards: the top story's headline up to its first "…"."""
    first = re.split(r"…|\.\.\.", headline, maxsplit=1)[0].strip(" ,·")
    return (first or headline)[:CARD_HEADLINE_CHARS]


def _compose_items(
    selection: Selection,
    summaries: Mapping[int, ItemSummary],
    ledger: _SentenceLedger,
    tokenizer: Tokenizer,
) -> list[ComposedItem]:
    items = []
    for item in selection.items:
        summary = summaries[item.article.pk]
        for sentence in split_sentences(summary.text):
            terms = frozenset(
                form.lower()
                for form in tokenizer.nouns(sentence.text)
                if is_index_term(form)
            )
            ledger.add(sentence.text, terms)
        items.append(
            ComposedItem(
                rank=item.rank,
                group=item.group,
                article=item.article,
                headline=item.article.headline,
                summary=summary.text,
                summary_sentences=summary.sentences,
                related_articles=list(item.related),
                selection_reason=item.selection_reason,
            )
        )
    return items


def _themes(
    selection: Selection, extractor: KeywordExtractor, tokenizer: Tokenizer
) -> list[_Theme]:
    items = selection.items
    vectors = _topic_vectors(selection.pool, [i.article for i in items])
    similarity = [[_cosine(a, b) for b in vectors] for a in vectors]
    partition = theme_partition(similarity, int(prism_settings.SECTIONS_PER_BRIEFING))
    themes: list[_Theme] = []
    # The reader's own name ("CEO") says nothing about the day's news.
    used_phrases: list[str] = reader_type_words(selection.reader_type)
    for members in partition:
        theme_items = [items[i] for i in members]
        texts = [article_text(i.article, tokenizer) for i in theme_items]
        # Same-story articles add facts the items' summaries do not have.
        related = [
            article_text(article, tokenizer)
            for item in theme_items
            for article in item.related[:1]
        ]
        phrases = theme_keyphrases(extractor, texts, exclude=used_phrases)
        used_phrases.extend(phrases[:2])
        focus = {form.lower() for phrase in phrases for form in phrase.split()}
        for item in theme_items:
            focus |= {
                term.lower()
                for term in tokenizer.nouns(item.article.headline)
                if is_index_term(term)
            }
        themes.append(
            _Theme(
                items=theme_items,
                texts=[*texts, *related],
                phrases=phrases,
                focus=focus,
            )
        )
    return themes


def _lead(
    themes: Sequence[_Theme],
    summaries: Mapping[int, ItemSummary],
    ledger: _SentenceLedger,
) -> list[str]:
    """One paragraph per leading theme: its top item's first point, then new facts."""
    paragraphs = []
    low, high = LEAD_SENTENCES
    for theme in themes[:LEAD_PARAGRAPHS]:
        top = theme.items[0]
        opening = split_sentences(summaries[top.article.pk].text)
        sentences = [opening[0].text] if opening else []
        # The lead stays with one article per paragraph so that it reads as prose.
        extra = _pick_sentences(
            _sentence_pool(theme.texts[:1]), theme.focus, ledger, count=high - 2
        )
        sentences += [s.text for s in extra]
        if len(sentences) < low and len(opening) > 1:
            sentences.append(opening[1].text)
        if sentences:
            paragraphs.append(" ".join(sentences[:high]))
    return paragraphs


def _sections(
    themes: Sequence[_Theme], ledger: _SentenceLedger
) -> tuple[list[ComposedSection], list[str]]:
    sections, notes = [], []
    low, high = SECTION_SENTENCES
    for position, theme in enumerate(themes, start=1):
        chosen = _pick_sentences(
            _sentence_pool(theme.texts), theme.focus, ledger, count=SECTION_TARGET
        )
        if len(chosen) < low:
            notes.append(
                f"{position}번째 주제 문단은 새로 보탤 문장이 {len(chosen)}개뿐입니다."
            )
        heading = theme_heading(theme.phrases) or theme.items[0].article.headline
        sections.append(
            ComposedSection(
                position=position,
                heading=heading,
                body=" ".join(s.text for s in chosen[:high]),
                ranks=[i.rank for i in theme.items],
                keyphrases=list(theme.phrases),
            )
        )
    return sections, notes


def _briefing_keywords(
    selection: Selection,
    extractor: KeywordExtractor,
    sections: Sequence[ComposedSection],
    tokenizer: Tokenizer,
) -> list[str]:
    """[키워드 TOP 5]: the briefing's best keywords, theme keyphrases first in line."""
    k = int(prism_settings.KEYWORDS_PER_BRIEFING)
    texts = [article_text(item.article, tokenizer) for item in selection.items]
    ranked = keyphrases(
        extractor,
        texts,
        k=KEYWORD_CANDIDATES,
        exclude=reader_type_words(selection.reader_type),
    )
    themed = [phrase for section in sections for phrase in section.keyphrases[:1]]
    chosen: list[str] = []
    for phrase in [*themed, *ranked]:
        if len(chosen) >= k:
            break
        if not any(_overlaps(phrase, other) for other in chosen):
            chosen.append(phrase)
    return chosen


def _summarizer_identities(summaries: Iterable[ItemSummary]) -> list[dict[str, str]]:
    seen: dict[tuple[str, str, str], dict[str, str]] = {}
    for summary in summaries:
        key = (summary.backend, summary.model_name, summary.model_version)
        seen.setdefault(
            key,
            {"backend": key[0], "model_name": key[1], "model_version": key[2]},
        )
    return list(seen.values())


def reader_type_label(reader_type: ReaderType) -> str:
    """How the reader type is named in group headings ("CEO")."""
    return reader_type.name


def reader_type_words(reader_type: ReaderType) -> list[str]:
    """The reader type's name as keywords would spell it ("CEO", "스타트업 창업자")."""
    name = reader_type.name.strip()
    return list(dict.fromkeys([name, name.replace(" ", "")]))
