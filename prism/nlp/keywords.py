"""Keywords and keyphrases: nouns and compound noun phrases ranked by TF-IDF."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from prism.nlp.tokens import Token, Tokenizer, get_tokenizer, tokenize_with_offsets

# Function nouns, time and quantity words, reporting vocabulary and page furniture:
# words an editor would never pick as a briefing's keyword.
STOPWORDS: frozenset[str] = frozenset(
    """
    것 등 수 때 중 및 위 말 점 곳 건 번 배 명 개 원 년 월 일 시 분 초 주 만 억 조
    씨 측 내 외 간 후 전 앞 뒤 더 또 그 이 저 나 너 우리 저희 자신 모두 대부분 일부 절반
    각각 다른 같은 여러 이번 지난 올해 오늘 어제 내일 내년 작년 지난해 올 금년 최근
    현재 당시 이날 이후 이전 이상 이하 미만 초과 정도 경우 가운데 대해 대한 관련
    통해 위해 따라 따르면 때문 가량 약 총 전체 각 해당 이들 이곳 그곳 여기 거기
    기자 특파원 논설위원 편집위원 뉴스 사진 제공 자료 출처 그래픽 영상 구독 무단
    전재 재배포 금지 저작권 저작권자 기사 보도 발표 설명 강조 언급 전망 예정 계획
    관계자 업계 관측 분석 평가 지적 주장 입장 의견 가능성 상황 문제 부분 방안
    목소리 모습 사실 내용 결과 과정 수준 규모 비중 기준 대비 전년 동기 증가 감소
    하락 상승 기록 달성 진행 추진 확대 예상 지원 포함 시작 마련 확인 이유 상태
    한편 또한 특히 다만 반면 이어 아울러 그러나 하지만 때문에 오전 오후 하루
    시간 기간 당초 향후 앞서 이미 다시 모든 어느 누구 무엇 어디 언제 하나 둘 셋
    퍼센트 포인트 달러 엔 위안 유로 만원 억원 조원 천원 가장 일단 직접 계속 함께
    우선 필요 가능 중요 주요 최대 최고 최초 최저 국내 대상 기존 조정 일각 가량 무렵
    동안 사이 당국자 측면 차원 역할 영향 효과 요인 이내 만큼 자체 전보 그대로
    """.split()
)
# Particles Okt sometimes tags as nouns when they stick to Latin or digits ("GPT-4o를").
PARTICLE_NOUNS = frozenset("을 를 이 가 은 는 의 에 로 와 과 도 만 인 엔 서".split())
REPORTER = re.compile(
    r"([가-힣]{2,4})\s*(?:기자|특파원|선임기자|객원기자|논설위원|인턴기자)(?![가-힣])"
)
CONTACT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|www\.\S+")
HANGUL_ONLY = re.compile(r"^[가-힣]+$")
BYLINE_TAG = re.compile(
    r"[\[(【][^\])】]{0,40}(?:기자|특파원|=)[^\])】]{0,20}[\])】]|"
    r"[가-힣]{2,4}\s*(?:기자|특파원)\s*="
)
PHRASE_COHESION = 0.6
# Tags Okt gives to the first syllables of names it does not know.
NAME_PIECE_TAGS = frozenset(
    {"Modifier", "Determiner", "Verb", "Adjective", "Noun", "XPN", "MM"}
)


@dataclass
class Candidate:
    """A keyword candidate and its statistics inside one document."""

    text: str
    count: int = 0
    first: int = 0
    in_title: bool = False
    parts: tuple[str, ...] = ()


class KeywordExtractor:
    """Rank a document's nouns and noun phrases by TF-IDF over an article pool."""

    def __init__(self, tokenizer: Tokenizer | None = None) -> None:
        self._tokenizer = tokenizer
        self.document_frequency: Counter[str] = Counter()
        self.documents = 0

    @property
    def tokenizer(self) -> Tokenizer:
        if self._tokenizer is None:
            self._tokenizer = get_tokenizer()
        return self._tokenizer

    def fit(self, documents: Iterable[str]) -> KeywordExtractor:
        """Learn document frequencies (IDF) of candidates over ``documents``."""
        for document in documents:
            tokens = tokenize_with_offsets(self.tokenizer, document)
            candidates = candidates_from_tokens(document, tokens)
            self.document_frequency.update(candidates.keys())
            self.documents += 1
        return self

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency; 1.0 when nothing was fitted."""
        if not self.documents:
            return 1.0
        df = self.document_frequency.get(term, 0)
        return math.log((1 + self.documents) / (1 + df)) + 1.0

    def keywords(self, text: str, k: int = 5, title: str = "") -> list[str]:
        """The ``k`` best keywords of ``text`` (``title`` counts extra)."""
        joined = f"{title}\n{text}" if title else text
        tokens = tokenize_with_offsets(self.tokenizer, joined)
        title_end = len(title) if title else 0
        return self.keywords_from_tokens(joined, tokens, k=k, title_end=title_end)

    def keywords_from_tokens(
        self,
        text: str,
        tokens: list[Token],
        k: int = 5,
        title_end: int = 0,
        units: list[tuple[int, int, int, int]] | None = None,
    ) -> list[str]:
        """Rank candidates of tagged ``text``; ``text[:title_end]`` is the title."""
        candidates = candidates_from_tokens(text, tokens, title_end, units)
        scored = sorted(
            candidates.values(),
            key=lambda c: (-self._score(c, len(text)), c.first),
        )
        chosen: list[str] = []
        picked: list[Candidate] = []
        for candidate in scored:
            if len(chosen) >= k:
                break
            if any(_overlaps(candidate.text, other) for other in chosen):
                continue
            if any(_chained(candidate, other) for other in picked):
                continue  # "서초구 자동차회관" after "자동차회관 그랜저볼룸"
            chosen.append(candidate.text)
            picked.append(candidate)
        return chosen

    def _score(self, candidate: Candidate, length: int) -> float:
        tf = 1.0 + math.log(candidate.count)
        # Earlier mentions matter more in news: the lead says what the story is about.
        position = 1.0 + 0.5 * (1.0 - candidate.first / max(length, 1))
        title = 1.6 if candidate.in_title else 1.0
        phrase = 1.15 if candidate.parts else 1.0
        specificity = 1.0 + 0.08 * min(len(candidate.text.replace(" ", "")), 8)
        return tf * self.idf(candidate.text) * position * title * phrase * specificity


def extract_keywords(
    text: str, k: int = 5, corpus: Iterable[str] | None = None, title: str = ""
) -> list[str]:
    """Shortcut: the top ``k`` keywords of ``text``, IDF from ``corpus`` if given."""
    extractor = KeywordExtractor()
    if corpus is not None:
        extractor.fit(corpus)
    return extractor.keywords(text, k=k, title=title)


def noun_units(text: str, tokens: list[Token]) -> list[tuple[int, int, int, int]]:
    """Compound nouns: runs of noun tokens with no space between them.

    Returns ``(start, end, first_token, last_token)``. Okt splits ``퓨리오사AI`` into
    ``퓨리/오사/AI``; joining adjacent pieces by their offsets restores the word.
    Digits join only after a Latin or noun piece (``GPT-4.1``, ``HBM3``), so dates and
    amounts (``14일``, ``119조``) never start a unit.
    """
    units: list[tuple[int, int, int, int]] = []
    i, n = 0, len(tokens)
    while i < n:
        if not tokens[i].is_noun or tokens[i].start == tokens[i].end:
            i += 1
            continue
        if i and tokens[i - 1].is_number and tokens[i - 1].end == tokens[i].start:
            i += 1  # a counter after a number: 4위, 14일, 119조, 100만
            continue
        j = i
        while j + 1 < n and tokens[j + 1].start == tokens[j].end:
            nxt = tokens[j + 1]
            if nxt.is_noun or (nxt.is_number and tokens[j].tag in {"Alpha", "SL"}):
                j += 1
            elif (
                nxt.form == "-"
                and j + 2 < n
                and tokens[j + 2].start == nxt.end
                and (tokens[j + 2].is_number or tokens[j + 2].is_noun)
            ):
                j += 2
            else:
                break
        # A one-syllable particle glued to Latin letters is not part of the noun.
        while j > i and tokens[j].form in PARTICLE_NOUNS:
            j -= 1
        first = _word_start(tokens, i)
        units.append((tokens[first].start, tokens[j].end, first, j))
        i = j + 1
    return units


def _word_start(tokens: list[Token], i: int) -> int:
    """Okt cuts unknown names badly (``대/륜/자동차``, ``한/누리/텔레콤``): a noun
    run takes back the Hangul pieces glued before it in the same word."""
    while (
        i > 0
        and tokens[i - 1].end == tokens[i].start
        and tokens[i - 1].tag in NAME_PIECE_TAGS
        and HANGUL_ONLY.match(tokens[i - 1].form)
    ):
        i -= 1
    return i


def candidates_from_tokens(
    text: str,
    tokens: list[Token],
    title_end: int = 0,
    units: list[tuple[int, int, int, int]] | None = None,
) -> dict[str, Candidate]:
    """Keyword candidates (nouns and two-noun phrases) of a tagged document."""
    excluded = set(REPORTER.findall(text))
    blocked = [match.span() for match in CONTACT.finditer(text)]
    blocked += [match.span() for match in BYLINE_TAG.finditer(text)]
    candidates: dict[str, Candidate] = {}
    phrases: dict[str, Candidate] = {}
    previous: tuple[int, int, int, int] | None = None
    previous_word = ""
    for unit in noun_units(text, tokens) if units is None else units:
        start, end, first, _ = unit
        word = text[start:end]
        if not _acceptable(word, excluded) or any(a <= start < b for a, b in blocked):
            previous, previous_word = None, ""
            continue
        _count(candidates, word, start, title_end)
        # "AI 반도체": two nouns separated by one space with nothing tagged between.
        if (
            previous is not None
            and previous[3] + 1 == first
            and text[previous[1] : start] == " "
        ):
            phrase = f"{previous_word} {word}"
            _count(phrases, phrase, previous[0], title_end, (previous_word, word))
        previous, previous_word = unit, word
    counts = {word: candidate.count for word, candidate in candidates.items()}
    for phrase, candidate in phrases.items():
        if candidate.count < 2:
            continue  # a keyphrase recurs
        candidates[phrase] = candidate
        # When the words mostly occur together ("AI 반도체") the phrase stands for
        # them; a frequent name followed by whatever comes next ("퓨리오사AI 인수")
        # leaves the name its own weight.
        if all(
            candidate.count >= PHRASE_COHESION * counts.get(part, 0)
            for part in candidate.parts
        ):
            for part in candidate.parts:
                if part in candidates:
                    candidates[part].count = max(
                        1, candidates[part].count - candidate.count // 2
                    )
    return candidates


def _count(
    table: dict[str, Candidate],
    word: str,
    start: int,
    title_end: int,
    parts: tuple[str, ...] = (),
) -> None:
    candidate = table.get(word)
    if candidate is None:
        candidate = table[word] = Candidate(word, first=start, parts=parts)
    candidate.count += 1
    if start < title_end:
        candidate.in_title = True


def _acceptable(word: str, excluded: set[str]) -> bool:
    if word in STOPWORDS or word in excluded:
        return False
    if HANGUL_ONLY.match(word):
        return len(word) >= 2
    if word.isdigit():
        return False
    return len(word) >= 2 and any(ch.isalpha() for ch in word)


def _chained(a: Candidate, b: Candidate) -> bool:
    """True for two phrases that are pieces of one longer name (A B, B C)."""
    return bool(a.parts and b.parts) and (
        a.parts[0] == b.parts[-1] or a.parts[-1] == b.parts[0]
    )


def _overlaps(a: str, b: str) -> bool:
    """True when one keyword contains the other (``반도체`` vs ``AI 반도체``)."""
    compact_a, compact_b = a.replace(" ", ""), b.replace(" ", "")
    return compact_a in compact_b or compact_b in compact_a
