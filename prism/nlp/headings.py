"""■ section headings as the paper writes them: a concept and where it is heading.

The real briefings head a section with a theme, not a clipped headline: "AI 인프라
부족의 현실", "B2B AI 시장의 성장세", "산업 경쟁력 강화 위한 투자 확대". PRISM builds
one from the story's concept ("46파이 배터리", "딥테크벤처 투자펀드") and the trend
its headline (else its opening sentence) reports, named by a noun ("출범", "부족",
"확대", "혼선"); when the paragraph under it tells another side of the story, from
the paragraph's own sentence, in the headline's direction. Plain Python; no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from prism.nlp.korean import spelled_countries
from prism.nlp.tokens import Tokenizer

THEME_MIN_CHARS = 6
THEME_MAX_CHARS = 22
# A heading names what the paragraph opens on: its concept is in these sentences.
OPENING_SENTENCES = 2

# What a story reports, most specific first, and the noun a heading names it by.
TRENDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), noun)
    for pattern, noun in (
        (r"오락가락|180도|번복|엇갈|혼선|갈팡질팡", "혼선"),
        (r"쑥대밭|직격탄|타격", "타격"),
        (r"긴축|허리띠", "긴축"),
        (r"이중고|삼중고|고충|진퇴양난", "이중고"),
        (r"유출|이탈|엑소더스", "유출"),
        (r"(?<!\d)0명|부족|모자라|못\s*미치|한\s*명도\s*없|태부족", "부족"),
        (r"급등|치솟|폭등", "급등"),
        (r"급락|폭락", "급락"),
        (r"하향|낮췄|낮춰|낮춘", "하향"),
        (r"상향|높였|높여", "상향"),
        (r"중단|철수|무산|포기|백지화", "중단"),
        (r"유예|연기|보류", "유예"),
        (r"설립|출범|결성|신설|발족", "출범"),
        (r"인수|합병|M&A", "인수"),
        (r"양산", "양산"),
        (r"출시|선보|공개", "공개"),
        (r"수상|표창", "수상"),
        (r"협력|제휴|동맹|맞손|협업", "협력"),
        # "…늘린 증원 수는 205명에 그쳤다": a growth that stalled.
        (r"에\s*그쳤|에\s*그쳐|에\s*그친|에\s*그치고|제자리걸음|정체", "정체"),
        (r"규제|가로막|묶여|막혀|족쇄", "규제"),
        (r"심화|격화|거세|치열", "심화"),
        (r"↑|급증|증가|늘어|늘었|늘린|늘려|확대|증액|2배|두\s*배", "확대"),
        (r"↓|급감|감소|줄어|줄었|줄인|감축|축소|증발", "감소"),
        (r"지각\s*변동", "지각 변동"),
        (r"급부상|돌풍", "급부상"),
        (r"전환점|분수령", "전환점"),
        (r"전향|선회", "전환"),
        (r"해야|춰야|워야|려야|줘야|필요|절실|시급", "필요성"),
        (r"대응|대비|방어", "대응"),
        (r"우려|리스크|불안|불확실|부담|위기|경고", "우려"),
        (r"경쟁|견제|패권|각축", "경쟁"),
        (r"성장|약진|도약", "성장세"),
        (r"투자|출자", "투자"),
    )
)
# The words trends are named by ("혼선", "지각", "변동", …).
TREND_NOUNS = frozenset(word for _, noun in TRENDS for word in noun.split())
# Trends a paragraph can state about a concept; events ("출범", "공개", "수상")
# are a headline's to report ("트럼프 행정부 출범 이후" is only a time).
STATES = frozenset(
    "혼선 타격 긴축 이중고 유출 부족 급등 급락 하향 상향 정체 규제 심화 확대 감소 "
    "필요성 우려 경쟁 성장세".split()
)
# Directions a paragraph's sentence may not turn round ("보관액 급증" told of a
# past peak over a story of a loss).
OPPOSITES = {
    "확대": "감소", "감소": "확대", "급등": "급락", "급락": "급등",
    "상향": "하향", "하향": "상향",
}  # fmt: skip
_FIGURE = re.compile(r"\d")
_NAME_LIKE = re.compile(r"(?:씨|氏|대표|회장|사장|장관|지사|대통령|교수)$")
_TIME = re.compile(
    r"^(?:올해|내년|지난해|작년|최근|이달|당분간|하루|일주일|한\s?달|석\s?달)$"
)
_SEGMENTS = re.compile(r"…|\.{2,3}|,\s")
# Where a headline's segments meet ("환율 1470원 재돌파…외환당국 …"), kept by
# ``split`` so offsets add up.
SEGMENT_BREAK = re.compile(r"(…|\.{2,3})")
# A particle or ending on a headline word ("메모리를", "경쟁에", "부담도").
# ("가" stays: "목표가", "주가" end on it.)
_PARTICLE = re.compile(
    r"(?<=[가-힣A-Za-z0-9]{2})(?:을|를|이|은|는|에|의|도|와|과|로|으로|에서)$"
)


def story_trend(headline: str, lede: Iterable[str] = ()) -> tuple[str, int]:
    """The trend noun a story reports and where in the headline (-1: in the lede).

    In a headline the first segment (split at "…") that reports a trend gives it,
    the last trend said there winning (its predicate closes it); in the opening
    sentences the most specific one (the table's order).
    """
    offset = 0
    for segment in SEGMENT_BREAK.split(headline):
        found = [
            (offset + match.start(), order, noun)
            for order, (pattern, noun) in enumerate(TRENDS)
            for match in pattern.finditer(segment)
            if not _modifier(segment, match)
        ]
        offset += len(segment)
        if found:
            at, _, noun = max(found, key=lambda f: (f[0], -f[1]))
            return noun, at
    text = " ".join(lede)
    for pattern, noun in TRENDS:
        if pattern.search(text):
            return noun, -1
    return "", -1


# Words that cannot end or join a concept ("오픈소스에 대한", "1000억 규모").
_NOT_CONCEPT = frozenset(
    "대한 위한 관한 통한 따른 향한 대해 위해 규모 수준 대상 관련 이상".split()
)
_ARROWS = re.compile(r"[↑↓]|\d+\s*배")


# Nouns of a price (價) the tagger splits as a noun and a subject particle
# ("목표가" → "목표" + "가").
_PRICE_NOUN = re.compile(r"^(?:목표|주|유|물|단|원|시|호|공모|분양|매매|전셋?)가$")


def _nominal(word: str, tokenizer: Tokenizer) -> bool:
    if _PRICE_NOUN.match(word):
        return True
    tagged = tokenizer.pos(word)
    return (
        bool(tagged)
        and tagged[0][1] in {"Noun", "Alpha"}
        and all(
            tag in {"Noun", "Alpha", "Suffix"} or (tag == "Punctuation" and form == "·")
            for form, tag in tagged
        )
    )


def _closing_run(words: list[str], tokenizer: Tokenizer) -> list[str]:
    """The nouns that close ``words``, as long as they run unbroken. A particle
    ends a phrase: the closing word may carry one ("메모리를"), and a subject's
    particle opens it ("SK하이닉스도 매출" → "SK하이닉스 매출"); any other stops it."""
    run: list[str] = []
    for index, word in enumerate(reversed(words)):
        bare = _PARTICLE.sub("", word)
        subject = bare != word and word[len(bare) :] in {"도", "은", "는", "이"}
        if index and bare != word and not subject:
            break
        if (
            _FIGURE.search(bare)
            or bare in _NOT_CONCEPT
            or not _nominal(bare, tokenizer)
        ):
            break
        run.insert(0, bare)
        if index and subject:
            break
    return run


def _spelled_out(words: list[str]) -> list[str]:
    """``words`` with a headline's one-character countries spelled out ("中" →
    "중국", "美빅테크" → "미국", "빅테크"; ``korean.spelled_countries``)."""
    return spelled_countries(" ".join(words)).split()


def _segment_words(segment: str, *, figures: bool = True) -> list[str]:
    return [
        word
        for word in _spelled_out(segment.split())
        if len(word) > 1
        and not _TIME.match(word)
        and (figures or not _FIGURE.search(word))
    ]


def _modifier(segment: str, match: re.Match[str]) -> bool:
    """True when a trend word only qualifies the noun after it ("관세 대응
    바우처", "'엔비디아 동맹' SK하이닉스"): the headline's predicate comes later."""
    rest = segment[match.end() :]
    if not rest[:1].isspace() and rest[:1] not in {"'", "’", "”", '"'}:
        return False  # the word goes on ("경쟁에", "급증…")
    following = rest.strip(" '’”\"").split()
    # One word after it closes the headline as its predicate ("부담 가중").
    return len(following) > 1 and not _FIGURE.search(following[0])


def _headline_concept(
    headline: str, at: int, tokenizer: Tokenizer, *, arrow: bool = False
) -> str:
    """The nouns right before the trend word at ``at`` in ``headline``; after an
    arrow or a multiple ("…2배↑") the nouns closing the segment before, figures
    left out ("엔비디아칩 48만개 구매…2배↑" → "엔비디아칩 구매")."""
    before = headline[:at]
    word_start = before.rfind(" ") + 1
    stem = headline[word_start:at]
    segments = _SEGMENTS.split(before[:word_start])
    words = _segment_words(segments[-1])
    while words and _FIGURE.search(words[-1]):
        words.pop()  # "기술 100개 확보": the figure goes, the nouns stay
    if stem and _nominal(stem, tokenizer):
        words.append(stem)  # "추경해야" keeps "추경"
    run = _closing_run(words, tokenizer)
    if not run and arrow and len(segments) > 1:
        run = _closing_run(_segment_words(segments[-2], figures=False), tokenizer)
    if len(run) == 1 and len(run[0]) < 3:
        return ""
    return " ".join(run[-3:])


def theme_heading(
    concepts: Sequence[str],
    headline: str,
    lede: Iterable[str] = (),
    tokenizer: Tokenizer | None = None,
    *,
    body: str = "",
) -> str:
    """A ■ heading "<concept> <trend>" ("딥테크벤처 투자펀드 출범"), or "".

    The concept is the noun phrase the headline puts right before its trend
    word ("국채·물가불안 부담도" → "국채·물가불안 우려"), else the first of
    ``concepts`` (the story's keyword phrases, best first) that the headline
    names (or the lede, for the lede's trend or one the headline tells of the
    same thing), has no figure and does not already name the trend. A heading
    heads its paragraph: when the opening of ``body`` (the paragraph's
    first ``OPENING_SENTENCES``) does not name that concept, the heading is
    made from the paragraph instead, the
    first of its sentences naming one of ``concepts`` giving the concept and
    that sentence's most specific trend ("AI 학과 규제" over quotas, not
    "AI전문교사 부족"). "" when no trend is found or no heading fits in
    ``THEME_MAX_CHARS``.
    """
    trend, at = story_trend(headline, lede)
    found = []
    if trend and at >= 0 and tokenizer is not None:
        arrow = bool(_ARROWS.match(headline, at))
        found.append(_headline_concept(_clean(headline), at, tokenizer, arrow=arrow))
    # A trend told of the headline's concept is the story's news; of a concept
    # the headline never names, it is a claim nobody made ("해외 주식 대응" over a
    # currency authority's "쏠림 현상에 적극 대응", "서울 아파트 감소" over "매물
    # 1년 새 30% 줄었다"). A trend found in the lede may go with the lede's.
    told = " ".join(_spelled_out(_clean(headline).split()))
    if at < 0:
        told = " ".join([told, *lede])
    segment = _segment_at(_clean(headline), at) if at >= 0 else ""
    named = [
        concept
        for concept in concepts
        if _names(told, concept)
        # A concept of the lede may take a trend the headline tells of the
        # same thing ("인재 확보" for "인재 경쟁력에 AI 성패 달려").
        or (
            segment
            and _names(" ".join(lede), concept)
            and any(len(w) > 1 and w in segment for w in concept.split())
        )
    ]
    heading = _fitting(trend, [*found, *named], found) if trend else ""
    sentences = re.split(r"(?<=[.!?])\s+", body)
    opening = " ".join(sentences[:OPENING_SENTENCES])
    if not body or (heading and _names(opening, heading.removesuffix(trend))):
        return heading
    # The paragraph's first sentence naming a concept says where it is heading.
    for sentence in sentences:
        for concept in concepts:
            if not _names(sentence, concept):
                continue
            told = next(
                (noun for p, noun in TRENDS if noun in STATES and p.search(sentence)),
                "",
            )
            if OPPOSITES.get(told) == trend:
                told = trend  # the headline says which way it went
            themed = _fitting(told, [concept], []) if told else ""
            if themed:
                return themed
    return heading


def _segment_at(headline: str, at: int) -> str:
    """The segment of ``headline`` (split at "…") holding offset ``at``."""
    start = 0
    for part in SEGMENT_BREAK.split(headline):
        if start <= at < start + len(part):
            return part
        start += len(part)
    return ""


def _names(body: str, concept: str) -> bool:
    compact = concept.replace(" ", "")
    return bool(compact) and compact in body.replace(" ", "")


def _fitting(trend: str, concepts: Sequence[str], found: Sequence[str]) -> str:
    """The first "<concept> <trend>" that reads as a heading, or ""."""
    for concept in concepts:
        words = [w for w in concept.split() if len(w) > 1]
        # At most four words in all: "AI 시장 지각 변동".
        words = words[-(4 - len(trend.split())) :]
        concept = " ".join(words)
        if not concept or _FIGURE.search(concept) or _NAME_LIKE.search(concept):
            continue
        if trend in concept:
            continue
        if " " not in concept and concept not in found:
            continue  # one word alone is a company or a place, not a theme
        heading = f"{concept} {trend}"
        if THEME_MIN_CHARS <= len(heading) <= THEME_MAX_CHARS:
            return heading
    return ""


def _clean(headline: str) -> str:
    """The headline with its tags and quote marks blanked, offsets kept."""
    return re.sub(r"[\[\]【】<>“”\"'‘’?!]", " ", headline)
