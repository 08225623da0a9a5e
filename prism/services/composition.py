"""Composing a briefing from a selection: lead, three ■ sections, items, keywords.

Like the paper's own briefings, every lead paragraph and every ■ section tells one
story: an item and its same-story 관련기사. The lead gives the day's top stories for
the reader type in a few sentences each; a section takes one story in depth under
a heading made from its headline; the keywords are one concept per story.
Everything is extractive and reads only: paragraphs are made of the story's own
sentences, none twice in a briefing and none repeating a 핵심 요약. The generator
(:mod:`prism.services.generation`) writes the result.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from prism.conf import prism_settings
from prism.models import Article, ReaderType
from prism.nlp.cache import LRUCache
from prism.nlp.headings import theme_heading
from prism.nlp.keywords import STOPWORDS, KeywordExtractor, candidates_from_tokens
from prism.nlp.korean import (
    ACTION_NOUNS,
    HEADING_MAX_CHARS,
    PERSON_TITLES,
    bare_noun_heading,
    compress,
    concept_phrase,
    headline_heading,
    is_first_person,
    needs_context,
    person_names,
    time_bound,
)
from prism.nlp.noise import noise_reason, prefix_length
from prism.nlp.sentences import split_sentences
from prism.nlp.themes import (
    SentenceLedger,
    StorySentence,
    pick_story_sentences,
)
from prism.nlp.tokens import Tokenizer, get_tokenizer, tokenize_with_offsets
from prism.nlp.tokens import tokens_in_spans as group_tokens
from prism.services.selection import (
    SelectedItem,
    Selection,
    is_index_term,
)

logger = logging.getLogger(__name__)

LEAD_PARAGRAPHS = 3
LEAD_SENTENCES = (2, 4)  # sentences per lead paragraph: at least, at most
LEAD_TARGET = 3
SECTION_SENTENCES = (3, 5)
SECTION_TARGET = 4
CARD_HEADLINE_CHARS = 60
KEYWORD_CANDIDATES = 15
PHRASE_BONUS = 1.3
GENERIC_SHARE = 0.2  # a word in more of the pool than this is too common for a keyword
GENERIC_MIN_POOL = 10
TEXT_CACHE_SIZE = 2_000
# Never keywords: publishers and wires, and words every economic story uses.
PUBLISHERS = frozenset(
    "서울경제 이데일리 연합뉴스 뉴스1 뉴시스 블룸버그 로이터 신화 AP AFP 본지 "
    "서경 한국경제 매일경제 조선일보 중앙일보 동아일보".split()
)
GENERIC_KEYWORDS = frozenset(
    "AI 인공지능 미국 중국 한국 일본 정부 기업 시장 업계 산업 경제 정책 정보 한도 인하 "
    "인상 증가 감소 확대 전망 계획 기술 투자 관계자 대표 회장 올해 내년 지난해 최근 "
    "국내 글로벌 세계 국가 사업 서비스 제품 분야 규모 수준 가능성 대유행 이날".split()
)
# Words that cannot open a keyword phrase ("기반 휴머노이드 로봇", "직접 강의").
WEAK_FIRST_WORDS = frozenset(
    "기반 직접 대상 관련 일단 전 각 약 총 첫 신규 최대 최초 개발사 제조사 이번 "
    "해당".split()
)
# Words that make no concept together ("차세대 AI", "인공지능 서비스") and figures
# of speech ("지각 변동", "열풍").
VAGUE_WORDS = frozenset(
    "차세대 생성형 서비스 시스템 기술 모델 시대 교육 열풍 산업 분야 전략 관련 "
    "주요 선두 주자 수석".split()
)
FIGURES_OF_SPEECH = frozenset(
    "지각 변동 열풍 쑥대밭 몰입 신화 광풍 돌풍 막무가내".split()
)
DATE_LIKE = re.compile(
    r"\d+\s*(?:년|월|일|시|분기)|올해|내년|지난해|작년|상반기|하반기"
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
    # Per sentence: needs the sentence before it to be understood (see
    # prism.nlp.korean.needs_context).
    leans: list[bool] = field(default_factory=list)


_text_cache: LRUCache[ArticleText] = LRUCache(TEXT_CACHE_SIZE)


def article_text(article: Article, tokenizer: Tokenizer | None = None) -> ArticleText:
    """Tag ``article``'s headline and body once per process and keep what we need."""
    key = (article.pk, article.content_hash, article.headline)
    cached = _text_cache.get(key)
    if cached is not None:
        return cached
    tokenizer = tokenizer or get_tokenizer(prism_settings.TOKENIZER)
    title_end = len(article.headline)
    text = f"{article.headline}\n{article.body}"
    tokens = tokenize_with_offsets(tokenizer, text)
    sentences = [s for s in split_sentences(text) if s.start > title_end]
    groups = group_tokens(tokens, [(s.start, s.end) for s in sentences])
    texts, terms, positions, leans = [], [], [], []
    estimated = bool(getattr(article, "published_at_estimated", False))
    for position, (sentence, sentence_tokens) in enumerate(
        zip(sentences, groups, strict=True)
    ):
        if sentence.text.startswith("한편"):
            break  # what follows "한편" is another story (a side note, a wrap-up)
        clean = sentence.text[prefix_length(sentence.text) :].strip()
        if noise_reason(clean) or time_bound(clean, estimated=estimated):
            continue
        texts.append(clean)
        tags = [(t.form, t.tag) for t in sentence_tokens]
        leans.append(needs_context(sentence.text, tags) or needs_context(clean, tags))
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
        leans=leans,
    )
    return _text_cache.put(key, entry)


def clear_caches() -> None:
    """Forget analysed article texts (tests, benchmarks)."""
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


# ------------------------------------------------------------------- keywords


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
    """Whether two keywords say the same: one inside the other, or a shared word
    that is not a generic one ("AI 인재" and "인재 확보")."""
    compact_a, compact_b = a.replace(" ", ""), b.replace(" ", "")
    if compact_a in compact_b or compact_b in compact_a:
        return True
    shared = set(a.split()) & set(b.split())
    return any(len(w) > 1 and w not in GENERIC_KEYWORDS for w in shared)


# ------------------------------------------------------------------ stories


@dataclass
class Story:
    """One item and its same-story articles, told in a lead paragraph or section."""

    item: SelectedItem
    texts: list[ArticleText]
    focus: set[str]
    # Its keyword phrases, best first (see _story_keywords): the concept its ■
    # heading and the [키워드 TOP 5] name it by.
    concepts: list[str] = field(default_factory=list)
    # Its 핵심 요약's opening sentence as a lead retells it (see restated_lede).
    lede: str = ""

    @property
    def sentences(self) -> list[StorySentence]:
        return [
            StorySentence(sentence, terms, order, position, leans)
            for order, text in enumerate(self.texts)
            for sentence, terms, position, leans in zip(
                text.sentences, text.terms, text.positions, text.leans, strict=True
            )
        ]


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
    ledger = SentenceLedger()
    items = _compose_items(selection, summaries, ledger, tokenizer)
    stories = _stories(selection, tokenizer)
    excluded = _excluded_keywords(selection, stories)
    for story in stories:
        story.concepts = _story_keywords(story, extractor, tokenizer, excluded)
        story.lede = restated_lede(summaries[story.item.article.pk].text)
    lead, sections, notes = _lead_and_sections(stories, ledger, tokenizer)
    keywords = _briefing_keywords(selection, extractor, stories, tokenizer)
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
    ledger: SentenceLedger,
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


def _stories(selection: Selection, tokenizer: Tokenizer) -> list[Story]:
    """Each item with its 관련기사, in rank order; focus words from the headline."""
    stories = []
    for item in selection.items:
        texts = [article_text(item.article, tokenizer)]
        texts += [article_text(a, tokenizer) for a in item.related[:2]]
        focus = {
            term.lower()
            for term in tokenizer.nouns(item.article.headline)
            if is_index_term(term)
        }
        stories.append(Story(item=item, texts=texts, focus=focus))
    return stories


LEAD_MAX_SENTENCE = 200


def _lead_sentence(sentence: StorySentence) -> bool:
    """Lead sentences state facts in a few words: no quotations, nothing long."""
    return (
        not re.search(r"[“”\"]", sentence.text)
        and len(sentence.text) <= LEAD_MAX_SENTENCE
    )


# (sentences per lead paragraph, lead paragraphs, strict): when the stories are
# short, a leaner lead leaves the three ■ sections enough to say; as a last resort
# only explicit back-references ("이날", "그는") keep a sentence out.
LEAD_PLANS = (
    (LEAD_TARGET, LEAD_PARAGRAPHS, True),
    (2, LEAD_PARAGRAPHS, True),
    (2, 2, True),
    (LEAD_TARGET, LEAD_PARAGRAPHS, False),
    (2, 2, False),
    (2, 1, False),
)


def _lead_and_sections(
    stories: Sequence[Story], ledger: SentenceLedger, tokenizer: Tokenizer
) -> tuple[list[str], list[ComposedSection], list[str]]:
    """The lead and the sections, the lead giving way until three sections fit."""
    wanted = int(prism_settings.SECTIONS_PER_BRIEFING)
    best = None
    for target, paragraphs, strict in LEAD_PLANS:
        trial = _copy_ledger(ledger)
        lead = _lead(
            stories, trial, target=target, paragraphs=paragraphs, strict=strict
        )
        sections, notes = _sections(stories, trial, tokenizer, strict=strict)
        fit = (len(sections) >= wanted and len(lead) >= 2, len(sections), len(lead))
        if best is None or fit > best[0]:
            best = (fit, (lead, sections, notes, trial))
        if fit[0]:
            break
    if not best[0][0]:
        # The lead took what the sections needed: the sections choose first.
        for strict in (True, False):
            trial = _copy_ledger(ledger)
            sections, notes = _sections(stories, trial, tokenizer, strict=strict)
            lead = _lead(stories, trial, target=2, strict=strict)
            fit = (len(sections) >= wanted and len(lead) >= 2, len(sections), len(lead))
            if fit > best[0]:
                best = (fit, (lead, sections, notes, trial))
            if fit[0]:
                break
    lead, sections, notes, trial = best[1]
    _adopt(ledger, trial)
    return lead, sections, notes


def _pick(
    story: Story, ledger: SentenceLedger, *, strict: bool, **options: Any
) -> list[StorySentence]:
    """``pick_story_sentences`` for ``story``; not ``strict``, the strict choice
    still wins when it says more (a lenient choice can lose every sentence to the
    rule that a paragraph never opens on one needing context)."""
    trial = _copy_ledger(ledger)
    chosen = pick_story_sentences(
        story.sentences, story.focus, trial, strict=True, **options
    )
    if not strict:
        lenient = _copy_ledger(ledger)
        more = pick_story_sentences(
            story.sentences, story.focus, lenient, strict=False, **options
        )
        if len(more) > len(chosen):
            chosen, trial = more, lenient
    _adopt(ledger, trial)
    return chosen


def _lead(
    stories: Sequence[Story],
    ledger: SentenceLedger,
    *,
    target: int = LEAD_TARGET,
    paragraphs: int = LEAD_PARAGRAPHS,
    strict: bool = True,
) -> list[str]:
    """The big picture: one paragraph for each of the day's top stories.

    Stories go in rank order (interest items first). A paragraph opens on what
    happened: the story's 핵심 요약 opening retold shorter (``restated_lede``),
    then one to three of the story's sentences its 핵심 요약 does not have, with
    attribution tails dropped ("…출시한다고 밝혔다." → "…출시한다."); with no
    retelling, two to four such sentences. A story with too little left to say
    gives its place to the next.
    """
    low, high = LEAD_SENTENCES
    lead: list[str] = []
    for story in stories:
        if len(lead) >= paragraphs:
            break
        opening = [story.lede] if story.lede else []
        trial = _copy_ledger(ledger)
        chosen = _pick(
            story,
            trial,
            count=target - len(opening),
            accept=_lead_sentence,
            max_quotes=0,
            strict=strict,
        )
        if len(chosen) < max(low - len(opening), 1):
            continue
        if not opening and not any(story.focus & s.terms for s in chosen):
            continue
        _adopt(ledger, trial)
        sentences = opening + [compress(s.text) for s in chosen]
        lead.append(" ".join(sentences[:high]))
    return lead


def restated_lede(summary: str) -> str:
    """The 핵심 요약's opening (else its second sentence) as a lead retells it
    ("…(AI) 스타트업 딥시크(DeepSeek)가 …" → "…스타트업 딥시크가 …"), or "" when
    neither can be retold: the same words (a lead never copies a 핵심 요약
    sentence), a quotation, a sentence needing its predecessor or the writer's
    own voice."""
    for sentence in split_sentences(summary or "")[:2]:
        original = sentence.text.strip()
        retold = compress(original)
        if (
            re.sub(r"\W+", "", retold) != re.sub(r"\W+", "", original)
            and not re.search(r"[“”\"]", retold)
            and not needs_context(retold)
            and not is_first_person(retold)
            and len(retold) <= LEAD_MAX_SENTENCE
        ):
            return retold
    return ""


def _copy_ledger(ledger: SentenceLedger) -> SentenceLedger:
    trial = SentenceLedger()
    trial.texts = set(ledger.texts)
    trial.term_sets = list(ledger.term_sets)
    return trial


def _adopt(ledger: SentenceLedger, trial: SentenceLedger) -> None:
    ledger.texts, ledger.term_sets = trial.texts, trial.term_sets


def _sections(
    stories: Sequence[Story],
    ledger: SentenceLedger,
    tokenizer: Tokenizer,
    *,
    strict: bool = True,
) -> tuple[list[ComposedSection], list[str]]:
    """Three ■ sections, each one story in depth under its headline's noun phrase.

    Stories are taken in rank order when they still have three sentences to add;
    if fewer than three do, the best of the rest get two, and the notes say so.
    """
    low, high = SECTION_SENTENCES
    wanted = int(prism_settings.SECTIONS_PER_BRIEFING)
    picked: dict[int, list[StorySentence]] = {}
    for minimum in (low, 2):
        for index, story in enumerate(stories):
            if len(picked) >= wanted or index in picked:
                continue
            trial = _copy_ledger(ledger)
            chosen = _pick(story, trial, count=SECTION_TARGET, strict=strict)
            if len(chosen) >= minimum:
                _adopt(ledger, trial)
                picked[index] = chosen
    sections, notes = [], []
    for position, index in enumerate(sorted(picked), start=1):
        story, chosen = stories[index], picked[index]
        if len(chosen) < low:
            notes.append(
                f"{position}번째 주제 문단은 보탤 문장이 {len(chosen)}개뿐입니다."
            )
        sections.append(
            ComposedSection(
                position=position,
                heading=story_heading(story, tokenizer),
                body=" ".join(s.text for s in chosen[:high]),
                ranks=[story.item.rank],
                keyphrases=[],
            )
        )
    if len(sections) < wanted:
        notes.append(
            f"주제 문단으로 쓸 만큼 내용이 있는 기사가 {len(sections)}건뿐입니다."
        )
    return sections, notes


def story_heading(story: Story, tokenizer: Tokenizer) -> str:
    """The ■ heading of a story: its concept and trend ("슈퍼 추경 필요성"), else
    its headline as a short noun phrase."""
    headline = story.item.article.headline
    lede = story.texts[0].sentences[:1] if story.texts else []
    return theme_heading(story.concepts, headline, lede, tokenizer) or (
        section_heading(headline, tokenizer)
    )


def section_heading(headline: str, tokenizer: Tokenizer) -> str:
    """The ■ heading of a story: its headline as a short noun phrase."""
    heading = headline_heading(headline, tokenizer)
    if not heading or bare_noun_heading(heading):
        heading = card_headline(headline)
    return heading[:HEADING_MAX_CHARS].strip()


def acceptable_keyword(
    phrase: str, *, excluded: set[str], extractor: KeywordExtractor | None = None
) -> bool:
    """Whether ``phrase`` can be a [키워드 TOP 5] concept.

    Never dates, people, publishers, the reader type's own name, words every
    economic story uses or words too much of the day's pool shares.
    """
    words = phrase.split()
    if not words or len(phrase.replace(" ", "")) < 2 or phrase.isdigit():
        return False
    if DATE_LIKE.search(phrase) or re.fullmatch(r"[\d.,%\s]+", phrase):
        return False
    if any(word in excluded or word in PUBLISHERS for word in words):
        return False
    if phrase in excluded or phrase in STOPWORDS:
        return False
    if len(words) == 1 and (phrase in GENERIC_KEYWORDS or len(phrase) < 3):
        return False
    if len(words) > 1 and (words[0] in WEAK_FIRST_WORDS or words[-1] in {"개발사"}):
        return False
    if re.search(rf"(?:{PERSON_TITLES})$", phrase):
        return False  # "올트먼 최고경영자": a person
    if all(word in GENERIC_KEYWORDS or word in VAGUE_WORDS for word in words):
        return False
    if any(word in FIGURES_OF_SPEECH for word in words):
        return False
    return extractor is None or not _generic(extractor, phrase)


def _briefing_keywords(
    selection: Selection,
    extractor: KeywordExtractor,
    stories: Sequence[Story],
    tokenizer: Tokenizer,
) -> list[str]:
    """[키워드 TOP 5]: one concept per story in rank order, phrases first.

    A story's concept is a noun phrase of its headline ("46파이 배터리"), else a
    phrase its body repeats; single words (a company, a place) come only when the
    stories have no phrase left.
    """
    k = int(prism_settings.KEYWORDS_PER_BRIEFING)
    excluded = _excluded_keywords(selection, stories)
    per_story = [
        story.concepts or _story_keywords(story, extractor, tokenizer, excluded)
        for story in stories
    ]
    chosen: list[str] = []
    for phrasal in (True, False):
        for depth in range(8):
            for phrases in per_story:
                fitting = [p for p in phrases if (" " in p) == phrasal]
                for phrase in fitting[depth : depth + 1]:
                    if len(chosen) < k and not any(
                        _overlaps(phrase, other) for other in chosen
                    ):
                        chosen.append(phrase)
    return chosen[:k]


def _excluded_keywords(selection: Selection, stories: Sequence[Story]) -> set[str]:
    """Never keywords: the reader type's own name and the stories' people."""
    excluded = set(reader_type_words(selection.reader_type))
    for story in stories:
        for text in story.texts:
            excluded |= text.names
    return excluded


def _story_keywords(
    story: Story,
    extractor: KeywordExtractor,
    tokenizer: Tokenizer,
    excluded: set[str],
) -> list[str]:
    """A story's keyword candidates, best first."""
    text = story.texts[0]
    concept = concept_phrase(
        headline_heading(story.item.article.headline, tokenizer), tokenizer
    )
    phrases = sorted(
        (c for c in text.candidates.values() if " " in c.text),
        key=lambda c: (
            not c.in_title,
            -keyword_score(extractor, c, text.length),
            c.text,
        ),
    )
    singles = keyphrases(extractor, [text], k=10, exclude=excluded)
    ordered = [concept, *(c.text for c in phrases), *singles]
    source = f"{story.item.article.headline} {story.item.article.body}"
    return [
        phrase
        for phrase in dict.fromkeys(ordered)
        if phrase
        and acceptable_keyword(phrase, excluded=excluded, extractor=extractor)
        and (" " in phrase or _in_headline(text, phrase))
        # Not cut out of a longer expression ("무역전쟁 전례 없는 수준").
        and not re.search(rf"{re.escape(phrase)}\s*(?:없는|있는|같은|없이)", source)
        and not _cut_from_noun_phrase(phrase, source, tokenizer)
    ]


def _cut_from_noun_phrase(phrase: str, source: str, tokenizer: Tokenizer) -> bool:
    """True when every time ``phrase`` occurs a bare noun follows it: it is part of
    a longer name ("MSCI 중국" of "MSCI 중국 지수"), not a concept of its own."""
    followers = [
        match.group(1)
        for match in re.finditer(rf"{re.escape(phrase)}(\S*\s+\S+)?", source)
    ]
    if not followers or any(f is None for f in followers):
        return False
    return all(
        not re.match(r"\S", f)  # the phrase ends where its word ends
        and _bare_noun(f.split()[-1].strip("”’\"'.,·"), tokenizer)
        and f.split()[-1] not in ACTION_NOUNS  # "투자펀드 설립": the concept's action
        for f in followers
    )


def _bare_noun(word: str, tokenizer: Tokenizer) -> bool:
    tagged = tokenizer.pos(word) if word else []
    return bool(tagged) and all(tag in {"Noun", "Alpha"} for _, tag in tagged)


def _in_headline(text: ArticleText, phrase: str) -> bool:
    return bool(getattr(text.candidates.get(phrase), "in_title", False))


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
