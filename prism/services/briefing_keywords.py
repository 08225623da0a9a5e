"""[키워드 TOP 5]: one concept per story, never a date, a person or a generic word.

A story's concept is a noun phrase of its headline ("46파이 배터리"), else a phrase
its body repeats, scored by TF-IDF against the day's pool; the same phrases name
the story's ■ heading (:mod:`prism.nlp.headings`). Reads only.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from prism.conf import prism_settings
from prism.models import BriefingItem, ReaderType
from prism.nlp.keywords import STOPWORDS, KeywordExtractor
from prism.nlp.korean import (
    ACTION_NOUNS,
    PERSON_TITLES,
    concept_phrase,
    headline_heading,
)
from prism.nlp.tokens import Tokenizer
from prism.services.selection import Selection
from prism.services.stories import ArticleText, Story

KEYWORD_CANDIDATES = 15


PHRASE_BONUS = 1.3


GENERIC_SHARE = 0.2  # a word in more of the pool than this is too common for a keyword


GENERIC_MIN_POOL = 10


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
    "해당 조기".split()
)


# Words that make no concept together ("차세대 AI", "인공지능 서비스") and figures
# of speech ("지각 변동", "열풍").
VAGUE_WORDS = frozenset(
    "차세대 생성형 서비스 시스템 기술 모델 시대 교육 열풍 산업 분야 전략 관련 "
    "주요 선두 주자 수석 흐름 물결 대세".split()
)


FIGURES_OF_SPEECH = frozenset(
    "지각 변동 열풍 쑥대밭 몰입 신화 광풍 돌풍 막무가내 정점 직격탄 먹구름 빨간불 "
    "적신호 청신호 훈풍 한파 폭탄 날개".split()
)


# People are no concept ("AI 연구자", "반도체 전문가"): what they say or want is.
PEOPLE_WORDS = frozenset("연구자 연구원 전문가 관계자 교수 학생 직원 근로자".split())


DATE_LIKE = re.compile(
    r"\d+\s*(?:년|월|일|시|분기)|올해|내년|지난해|작년|상반기|하반기|오늘|내일|어제"
)
# A measured amount is a headline's figure, not a concept ("공장 가동률 50%로",
# "GPU 1만5000장", "2.25%로 0.25%p 인하"); a product named by a figure stays
# ("46파이 배터리", "HBM4").
AMOUNT = re.compile(r"\d[\d.,]*\s*(?:%p?|원|달러|엔|장|명|곳|배|개|건|조|억|만|천)")
# A headline's predicate or superlative left at a phrase's end ("자영업자 냉랭",
# "카드수수료 최대", "HBM 대형", "채용박람회 개막").
PREDICATE_WORDS = frozenset(
    "최대 최고 최저 최다 대형 역대 냉랭 개막 돌파 임박 비상".split()
)


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
    if AMOUNT.search(phrase) or words[-1] in PREDICATE_WORDS:
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
    if words[-1] in PEOPLE_WORDS:
        return False
    return extractor is None or not _generic(extractor, phrase)


def briefing_keywords(
    selection: Selection,
    extractor: KeywordExtractor,
    stories: Sequence[Story],
    tokenizer: Tokenizer,
    *,
    told: str = "",
) -> list[str]:
    """[키워드 TOP 5]: one concept per story in rank order, phrases first.

    A story's concept is a noun phrase of its headline ("46파이 배터리"), else a
    phrase its body repeats, else (for a 관심 뉴스) its headline's word
    ("연말정산"); beyond each story's first, single words (a company, a place)
    come only when the stories have no phrase left. Given ``told`` (the
    briefing's own text), a keyword is one the briefing says, so a reader finds
    what it names.
    """
    k = int(prism_settings.KEYWORDS_PER_BRIEFING)
    excluded = excluded_keywords(selection, stories)
    per_story = [
        story.concepts or story_keywords(story, extractor, tokenizer, excluded)
        for story in stories
    ]
    if told:
        compact = told.replace(" ", "")
        grounded = [
            [p for p in ps if p.replace(" ", "") in compact] for ps in per_story
        ]
        if sum(map(len, grounded)) >= k:
            per_story = grounded
    chosen: list[str] = []

    def take(phrase: str) -> None:
        if len(chosen) < k and not any(_overlaps(phrase, other) for other in chosen):
            chosen.append(phrase)

    # Every story has its concept first: a 관심 뉴스 story with no phrase is
    # named by its headline's word ("연말정산") before another gets a second.
    # (Not a word of the reader type's own name: "스타트업" says nothing to a
    # 스타트업 창업자.)
    own = {w for name in reader_type_words(selection.reader_type) for w in name.split()}
    for story, phrases in zip(stories, per_story, strict=True):
        first = [p for p in phrases if " " in p][:1]
        if story.item.group == BriefingItem.Group.INTEREST:
            first = first or [p for p in phrases[:1] if p not in own]
        for phrase in first:
            take(phrase)
    for phrasal in (True, False):
        for depth in range(8):
            for phrases in per_story:
                fitting = [p for p in phrases if (" " in p) == phrasal]
                for phrase in fitting[depth : depth + 1]:
                    take(phrase)
    return chosen[:k]


def excluded_keywords(selection: Selection, stories: Sequence[Story]) -> set[str]:
    """Never keywords: the reader type's own name and the stories' people."""
    excluded = set(reader_type_words(selection.reader_type))
    for story in stories:
        for text in story.texts:
            excluded |= text.names
    return excluded


def story_keywords(
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
    """True when every time ``phrase`` occurs a bare noun follows it, or a Latin
    name comes before it: it is part of a longer name ("MSCI 중국" and "중국 지수"
    of "MSCI 중국 지수"), not a concept of its own."""
    openings = [
        source[max(0, m.start() - 12) : m.start()]
        for m in re.finditer(re.escape(phrase), source)
    ]
    if openings and all(re.search(r"[A-Za-z]{2,}\s$", o) for o in openings):
        return True
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


def reader_type_words(reader_type: ReaderType) -> list[str]:
    """The reader type's name as keywords would spell it ("CEO", "스타트업 창업자")."""
    name = reader_type.name.strip()
    return list(dict.fromkeys([name, name.replace(" ", "")]))
