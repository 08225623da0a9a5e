"""Grounding check: is every sentence of generated text supported by its sources?

A generated sentence is supported when

1. every number it states, with its unit ("4조 8000억 원", "25%", "3배", "2028년"),
   is a number some source states with the same unit (values are compared, so
   "4조8000억원" and "4.8조 원" are the same figure);
2. every named entity it mentions (a Komoran ``NNP`` run, a Latin-letter name such as
   "TSMC" or "H100") appears in a source, spacing aside;
3. its content nouns are covered by its best-matching source sentences (up to
   ``best_sentences`` of them) above ``coverage_threshold``;
4. it does not turn a statement of its best-matching source sentence into its
   negation (or the other way round);
5. it is a complete sentence (ends like one), so cut-off or garbled output fails.

Supported sentences keep their citations: the source sentences (document id and
character offsets) that cover them best. Plain Python, no Django: the composer
service adapts it, benchmarks run it alone.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from prism.nlp.sentences import split_sentences
from prism.nlp.tokens import Tokenizer, get_tokenizer

# Units a figure is stated in, longest first so "%포인트" wins over "%".
UNITS = (
    "%포인트 %p %P 퍼센트포인트 퍼센트 포인트 bp ％ % "
    "달러 유로 위안 엔 원 파운드 "
    "개국 개사 개월 개 명 배 곳 대 건 가구 채 척 기 주년 년 월 일 시간 시 분 초 주 "
    "위 차 회 번 장 톤 t kg km ㎞ ㎡ m GWh MWh kWh GW MW kW 세 살 편 권 쪽 호 층 점"
).split()
UNIT_ALIASES = {
    "%포인트": "%p",
    "%P": "%p",
    "퍼센트포인트": "%p",
    "퍼센트": "%",
    "％": "%",
    "㎞": "km",
    "살": "세",
}
# One piece of a figure: digits and an optional magnitude ("4조", "8000억", "3천만").
NUMBER_PIECE = re.compile(
    r"(?<![\d.,A-Za-z])(\d[\d,]*(?:\.\d+)?)\s?([천백십]?[조억만]|[천백](?![가-힣]{2}))?"
)
UNIT_AFTER = re.compile(
    r"\s?(" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + ")"
)
# Syllables that may follow a unit without starting a new word (particles, 째, 씩).
UNIT_PARTICLES = frozenset("씩째가의는은을를이로으에와과도만까부보대어")
LATIN_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9&+\-]*[A-Za-z0-9]")
# Latin words that are units or generic labels rather than names.
LATIN_GENERIC = frozenset(
    "km kg kwh mwh gwh gw mw kw bp ceo cfo cto coo vs etc co ltd inc corp".split()
)
NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH"})
ENTITY_TAGS = frozenset({"NNP"})
RUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "SN", "NNB", "XSN", "XPN"})
# Nouns that carry no fact a source has to support (time, reporting, quantity).
GENERIC_NOUNS = frozenset(
    """
    것 등 수 때 중 및 위 말 점 곳 건 번 배 명 개 원 년 월 일 시 분 초 주 만 억 조
    이번 지난 올해 오늘 어제 내일 내년 작년 지난해 올 금년 최근 현재 당시 이날 이후 이전
    이상 이하 미만 초과 정도 경우 가운데 대해 대한 관련 통해 위해 따라 때문 가량 전체
    해당 기자 관계자 업계 분석 평가 지적 주장 입장 의견 가능성 상황 문제 부분 방안 모습
    사실 내용 결과 과정 수준 규모 비중 기준 대비 전년 동기 한편 또한 특히 다만 반면 이어
    향후 앞서 필요 가능 중요 주요 국내 대상 기존 영향 효과 측면 차원 역할 전망 예정 계획
    흐름 가운데 모두 일부 절반 각각 여러 다른 같은 우리 이들 자신 관심 주목 분야 시장
    상승세 하락세 움직임 배경 의미 시사 대응 강화 확대 추진 지원 가속 가속화 본격 확보
    기대 우려
    """.split()
)
# Units whose figures add up: "282개와 350개" may be reported as 632개.
ARITHMETIC_UNITS = frozenset(
    "원 달러 유로 위안 엔 명 개 개사 곳 건 가구 대 채 척 톤".split()
)
# A complete sentence ends like one: "…했다.", "…인가?", "…”고 말했다." (not mid-word).
COMPLETE_SENTENCE = re.compile(r"[가-힣][.!?][’”'\")\]]*$|[다요죠까][’”'\")\]]*$")
WORD_PUNCTUATION = "‘’“”'\"()[]{}<>《》「」『』.,;:!?…·"
PARTICLE_END = re.compile(
    r"(?:에서의|으로는|으로도|에게서|이라는|이라고|까지|부터|보다|에게|께서|에서|으로|"
    r"과의|와의|에는|에도|이나|처럼|마저|조차|이다|라는|[이가은는을를의에와과도로만])$"
)
HANGUL_WORD = re.compile(r"[가-힣]+")
NAME_MARK = re.compile(
    r"(?:은행|위원회|청|공사|공단|재단|협회|증권|전자|그룹|텔레콤|바이오|건설|화학|"
    r"카드|보험|생명|병원|의회|법원|대학)$"
)
PERSON_TITLES = ("대표", "회장", "사장", "장관", "의원", "위원장", "총재", "교수", "씨")
NEGATION = re.compile(
    r"(?:않|못하|못한|못했|못할|못 |없|아니|불가|무산|실패|중단|철회|부인|반대)"
)
TEXT_CACHE_SIZE = 4_000


@dataclass(frozen=True)
class Figure:
    """A number as stated: its value and its unit ("" when it has none)."""

    value: float
    unit: str
    text: str


@dataclass(frozen=True)
class SourceDocument:
    """A source the generated text may draw on: an article's headline and body."""

    id: Any
    title: str
    body: str


@dataclass(frozen=True)
class Citation:
    """Where a supporting source sentence sits: document id and body offsets."""

    document_id: Any
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {"article_id": self.document_id, "start": self.start, "end": self.end}


@dataclass
class SentenceVerdict:
    """One generated sentence and whether the sources support it."""

    text: str
    supported: bool
    coverage: float
    reasons: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class GroundingResult:
    """The verdicts for a generated text, in order."""

    sentences: list[SentenceVerdict]

    @property
    def supported(self) -> list[SentenceVerdict]:
        return [s for s in self.sentences if s.supported]

    @property
    def unsupported(self) -> list[SentenceVerdict]:
        return [s for s in self.sentences if not s.supported]

    @property
    def text(self) -> str:
        """The supported sentences joined into one paragraph."""
        return " ".join(s.text for s in self.supported)

    @property
    def score(self) -> float:
        """Share of sentences supported, weighted by coverage (0 for no sentences)."""
        if not self.sentences:
            return 0.0
        return round(sum(s.coverage for s in self.supported) / len(self.sentences), 3)


@dataclass(frozen=True)
class _SourceSentence:
    document_id: Any
    start: int
    end: int
    text: str
    compact: str
    nouns: frozenset[str]
    negated: bool


@dataclass(frozen=True)
class _AnalysedDocument:
    sentences: tuple[_SourceSentence, ...]
    figures: frozenset[tuple[float, str]]
    values: frozenset[float]
    compact: str
    # Sums and differences of two figures of one unit ("282개와 350개" -> 632개).
    derived: dict[str, frozenset[float]]


class GroundingChecker:
    """Checks generated sentences against source documents (see module docstring).

    ``tokenizer`` should tag proper nouns (``NNP``): Komoran by default; with a
    tagger that has no NNP tag (Okt) only Latin names count as entities and the
    noun coverage does the rest.
    """

    def __init__(
        self,
        tokenizer: Tokenizer | str = "komoran",
        *,
        coverage_threshold: float = 0.5,
        best_sentences: int = 3,
        check_negation: bool = True,
        allow_arithmetic: bool = True,
        require_complete: bool = True,
    ) -> None:
        self._tokenizer = tokenizer
        self.coverage_threshold = float(coverage_threshold)
        self.best_sentences = max(1, int(best_sentences))
        self.check_negation = bool(check_negation)
        self.allow_arithmetic = bool(allow_arithmetic)
        self.require_complete = bool(require_complete)
        self._cache: OrderedDict[str, _AnalysedDocument] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def tokenizer(self) -> Tokenizer:
        if isinstance(self._tokenizer, str):
            self._tokenizer = get_tokenizer(self._tokenizer)
        return self._tokenizer

    # Public API ----------------------------------------------------------------

    def check(self, text: str, sources: Sequence[SourceDocument]) -> GroundingResult:
        """Split ``text`` into sentences and judge each against ``sources``."""
        documents = [self._analyse(source) for source in sources]
        return GroundingResult(
            [
                self.check_sentence(sentence.text, documents)
                for sentence in split_sentences(text or "")
            ]
        )

    def check_sentence(
        self, sentence: str, documents: Sequence[_AnalysedDocument]
    ) -> SentenceVerdict:
        """Judge one sentence against already analysed documents."""
        reasons: list[str] = []
        if self.require_complete and not COMPLETE_SENTENCE.search(sentence.strip()):
            return SentenceVerdict(
                text=sentence.strip(),
                supported=False,
                coverage=0.0,
                reasons=["완결된 문장이 아님"],
            )
        quoted = self._quoted(sentence, documents)
        if quoted is not None:
            return SentenceVerdict(
                text=sentence.strip(),
                supported=True,
                coverage=1.0,
                citations=[Citation(quoted.document_id, quoted.start, quoted.end)]
                if quoted.start >= 0
                else [],
            )
        figures: set[tuple[float, str]] = set().union(*(d.figures for d in documents))
        values: set[float] = set().union(*(d.values for d in documents))
        compact_sources = "\n".join(d.compact for d in documents)
        for figure in extract_figures(sentence):
            if not _figure_supported(figure, figures, values) and not any(
                round(figure.value, 6) in d.derived.get(figure.unit, ())
                for d in documents
            ):
                reasons.append(f"출처에 없는 수치 ‘{figure.text}’")
        lowered = compact_sources.lower()
        for entity in self.entities(sentence):
            if not _entity_present(_compact(entity).lower(), lowered):
                reasons.append(f"출처에 없는 고유명사 ‘{entity}’")
        nouns = self.content_nouns(sentence)
        best = self._best_sentences(nouns, documents)
        coverage = _coverage(nouns, best)
        if nouns and coverage < self.coverage_threshold:
            reasons.append(f"출처 문장과 내용이 맞지 않음(일치율 {coverage:.0%})")
        if self.check_negation and best and not reasons:
            closest = max(best, key=lambda s: _bigram_similarity(sentence, s.text))
            negated = _negated(sentence)
            if (
                negated != closest.negated
                and _coverage(nouns, [closest]) >= 0.5
                and all(s.negated != negated for s in best)
            ):
                reasons.append("출처 문장과 긍정·부정이 반대임")
        citations = [Citation(s.document_id, s.start, s.end) for s in best[:2]]
        return SentenceVerdict(
            text=sentence.strip(),
            supported=not reasons,
            coverage=round(coverage if nouns else 1.0, 3),
            reasons=reasons,
            citations=[c for c in citations if c.start >= 0],
        )

    def analyse(self, sources: Iterable[SourceDocument]) -> list[_AnalysedDocument]:
        """Analyse (and cache) sources ahead of many ``check_sentence`` calls."""
        return [self._analyse(source) for source in sources]

    def entities(self, sentence: str) -> list[str]:
        """Named entities: runs of nouns holding an NNP, and Latin-letter names."""
        found: list[str] = []
        words = sentence.split()
        for index, word in enumerate(words):
            tags = self.tokenizer.pos(word)
            if not any(tag in ENTITY_TAGS for _, tag in tags):
                continue
            # The word as written, less quotes and particles: Komoran's own forms
            # can be rebuilt ("직군은" -> "직구") or cut short ("가온누리중공업").
            name = PARTICLE_END.sub("", word.strip(WORD_PUNCTUATION))
            name = name.strip(WORD_PUNCTUATION)
            pieces = [(f, t) for f, t in tags if t in RUN_TAGS]
            if len(name) < 2 or not any(ch.isalpha() for ch in name):
                continue
            if not self._common(name, pieces, words[index + 1 : index + 3]):
                found.append(name)
        for match in LATIN_NAME.finditer(sentence):
            name = match.group(0)
            if name.lower() not in LATIN_GENERIC and not name.isdigit():
                found.append(name)
        return list(dict.fromkeys(found))

    @staticmethod
    def _common(name: str, run: list[tuple[str, str]], following: list[str]) -> bool:
        """Komoran tags many words it does not know as NNP ("이행", "수조"): a lone
        Hangul NNP of two or three syllables counts as a name only with a name's
        marks (a company or institution suffix, a person's title after it);
        otherwise the noun coverage judges it."""
        if name in GENERIC_NOUNS:
            return True
        pieces = [form for form, tag in run if tag not in ("XSN", "XPN", "NNB")]
        if len(pieces) > 1 or len(name) >= 4 or not HANGUL_WORD.fullmatch(name):
            return False
        titled = any(word.startswith(PERSON_TITLES) for word in following)
        return not NAME_MARK.search(name) and not titled

    def content_nouns(self, text: str) -> frozenset[str]:
        """Nouns that carry content (no generic, time or reporting words)."""
        return frozenset(
            form.lower()
            for form, tag in self.tokenizer.pos(text)
            if tag in NOUN_TAGS
            and form not in GENERIC_NOUNS
            and not (len(form) == 1 and "가" <= form <= "힣")
            and not form.isdigit()
        )

    # Internals -----------------------------------------------------------------

    def _analyse(self, source: SourceDocument) -> _AnalysedDocument:
        key = hashlib.sha1(
            f"{source.id}\x00{source.title}\x00{source.body}".encode(),
            usedforsecurity=False,
        ).hexdigest()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        sentences = [self._source_sentence(source.id, -1, -1, source.title)] + [
            self._source_sentence(source.id, s.start, s.end, s.text)
            for s in split_sentences(source.body)
        ]
        text = f"{source.title}\n{source.body}"
        figures = extract_figures(text)
        document = _AnalysedDocument(
            sentences=tuple(s for s in sentences if s.text),
            figures=frozenset((f.value, f.unit) for f in figures),
            values=frozenset(f.value for f in figures),
            compact=_compact(text),
            derived=_derived_figures(figures) if self.allow_arithmetic else {},
        )
        with self._lock:
            self._cache[key] = document
            while len(self._cache) > TEXT_CACHE_SIZE:
                self._cache.popitem(last=False)
        return document

    def _source_sentence(
        self, document_id: Any, start: int, end: int, text: str
    ) -> _SourceSentence:
        return _SourceSentence(
            document_id=document_id,
            start=start,
            end=end,
            text=text,
            compact=_compact(text).lower(),
            nouns=self.content_nouns(text) if text.strip() else frozenset(),
            negated=_negated(text),
        )

    @staticmethod
    def _quoted(
        sentence: str, documents: Sequence[_AnalysedDocument]
    ) -> _SourceSentence | None:
        """The source sentence ``sentence`` copies word for word, if any."""
        compact = _compact(sentence).lower().rstrip(".")
        if len(compact) < 8:
            return None
        for document in documents:
            for source in document.sentences:
                if compact in source.compact:
                    return source
        return None

    def _best_sentences(
        self, nouns: frozenset[str], documents: Sequence[_AnalysedDocument]
    ) -> list[_SourceSentence]:
        if not nouns:
            return []
        scored = []
        for document in documents:
            for sentence in document.sentences:
                hits = sum(1 for noun in nouns if noun in sentence.compact)
                if hits:
                    scored.append((hits, len(sentence.nouns & nouns), sentence))
        scored.sort(key=lambda entry: (-entry[0], -entry[1], entry[2].start))
        chosen: list[_SourceSentence] = []
        covered: set[str] = set()
        # Greedy: each further sentence must add nouns the chosen ones lack.
        for _, _, sentence in scored:
            if len(chosen) >= self.best_sentences:
                break
            new = {noun for noun in nouns if noun in sentence.compact} - covered
            if chosen and not new:
                continue
            chosen.append(sentence)
            covered |= new
        return chosen


# ----------------------------------------------------------------- figures


def extract_figures(text: str) -> list[Figure]:
    """Every number in ``text`` with its value and unit (a range shares its unit)."""
    figures: list[Figure] = []
    pending: list[tuple[float, str]] = []  # "3~4배": 3 waits for the unit of 4
    for start, end, value in _numbers(text):
        unit_match = UNIT_AFTER.match(text, end)
        unit = ""
        if unit_match and not _unit_continues_word(text, unit_match):
            unit = UNIT_ALIASES.get(unit_match.group(1), unit_match.group(1))
            end = unit_match.end()
        surface = text[start:end].strip()
        if not unit and text[end : end + 1] in ("~", "-", "–", "∼"):
            pending.append((value, surface))
            continue
        figures.extend(Figure(earlier, unit, words) for earlier, words in pending)
        pending = []
        figures.append(Figure(value, unit, surface))
    figures.extend(Figure(value, "", surface) for value, surface in pending)
    return figures


def _numbers(text: str) -> list[tuple[int, int, float]]:
    """``(start, end, value)`` of each figure; "4조 8000억" is one figure."""
    numbers: list[tuple[int, int, float]] = []
    last_magnitude = 0
    for match in NUMBER_PIECE.finditer(text):
        try:
            digits = float(match.group(1).replace(",", ""))
        except ValueError:
            continue
        magnitude = _magnitude(match.group(2) or "")
        value = digits * magnitude
        joined = (
            numbers
            and last_magnitude > magnitude
            and last_magnitude >= 10**4
            and not text[numbers[-1][1] : match.start()].strip()
        )
        if joined:
            begin, _, total = numbers[-1]
            numbers[-1] = (begin, match.end(), total + value)
        else:
            numbers.append((match.start(), match.end(), value))
        last_magnitude = magnitude
        if numbers[-1][1] != match.end():
            last_magnitude = 0
    return [
        (start, _trim_end(text, start, end), value) for start, end, value in numbers
    ]


def _magnitude(word: str) -> int:
    magnitude = 1
    for character in word:
        magnitude *= {"조": 10**12, "억": 10**8, "만": 10**4, "천": 1000}.get(
            character, {"백": 100, "십": 10}.get(character, 1)
        )
    return magnitude


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _unit_continues_word(text: str, unit_match: re.Match) -> bool:
    """ "3개월" is months, but "2대 주주" is not 대 and "5일째" is still 일."""
    unit = unit_match.group(1)
    after = text[unit_match.end() : unit_match.end() + 1]
    if unit in ("대", "기", "세", "점", "호", "편", "권", "위", "차", "주"):
        # A Hangul syllable glued after a one-syllable unit usually starts a word.
        return bool(after) and "가" <= after <= "힣" and after not in UNIT_PARTICLES
    return False


def _figure_supported(
    figure: Figure, figures: set[tuple[float, str]], values: set[float]
) -> bool:
    if (figure.value, figure.unit) in figures:
        return True
    if not figure.unit:
        return figure.value in values
    # A source may state the figure without the unit next to it ("3.5에서 4%로").
    return (figure.value, "") in figures and figure.unit in ("%", "%p")


# ------------------------------------------------------------------- helpers


def _compact(text: str) -> str:
    return re.sub(r"[\s·‘’“”'\"]+", "", text)


def _entity_present(entity: str, sources: str) -> bool:
    """Present as written, or with one affix syllable more ("음료수" for "음료")."""
    if entity in sources:
        return True
    hangul = all("가" <= ch <= "힣" for ch in entity)
    return (
        hangul
        and len(entity) >= 3
        and (entity[1:] in sources or entity[:-1] in sources)
    )


def _derived_figures(figures: Sequence[Figure]) -> dict[str, frozenset[float]]:
    by_unit: dict[str, set[float]] = {}
    for figure in figures:
        if figure.unit in ARITHMETIC_UNITS:
            by_unit.setdefault(figure.unit, set()).add(figure.value)
    derived = {}
    for unit, values in by_unit.items():
        ordered = sorted(values)[:60]
        derived[unit] = frozenset(
            round(value, 6)
            for i, a in enumerate(ordered)
            for b in ordered[i + 1 :]
            for value in (a + b, b - a)
        )
    return derived


def _bigram_similarity(a: str, b: str) -> float:
    grams_a = {a[i : i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i : i + 2] for i in range(len(b) - 1)}
    return len(grams_a & grams_b) / (len(grams_a | grams_b) or 1)


def _negated(text: str) -> bool:
    return bool(NEGATION.search(text))


def _coverage(nouns: frozenset[str], sentences: Sequence[_SourceSentence]) -> float:
    if not nouns:
        return 1.0
    covered = sum(1 for noun in nouns if any(noun in s.compact for s in sentences))
    return covered / len(nouns)
