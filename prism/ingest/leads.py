"""Lead paragraphs, one per line and without headlines (서울경제 lead lists); the
headline is derived from the lead's first sentence."""

from __future__ import annotations

import re

from prism.ingest.base import ParseResult, RecordError, RejectedRecord, build_article
from prism.ingest.clean import clean_body, is_furniture_line
from prism.nlp.korean import abbreviate

DEFAULT_SOURCE = "서울경제"
HEADLINE_MAX_CHARS = 60
# Below this a line is a menu entry or a stray fragment, not a lead paragraph.
MIN_LEAD_CHARS = 40

_FIRST_SENTENCE = re.compile(r"^.+?(?:다|요|까)[.!?](?=\s|$)|^.+?[.!?](?=\s|$)")
# Short glosses like "(AI)", "(DeepSeek)", "(CEO)" that a headline can do without.
_GLOSS = re.compile(r"\s*\([A-Za-z0-9 .&·\-]{1,30}\)")
# A clause opening with a pointer back ("이를", "이에") cannot stand alone.
_ANAPHORIC = re.compile(r"^(?:이|그|이를|이에|이는|이와|그러나|하지만|다만)\s")
_ANAPHORIC_DESCRIPTION = re.compile(r"^(?:이를|그를|이와)\s\S+(?:는|한|된)\s")


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,·") + "…"


# A subject: a word carrying a subject or topic particle, among a headline's
# first ``_SUBJECT_MAX_WORDS`` words.
_SUBJECT_WORD = re.compile(r"^(\S{2,}?)(?:이|가|은|는)$")
# "발표하는", "있는": a verb, not a subject.
_VERB_STEM = re.compile(r"(?:하|되|있|없|지)$")
_SUBJECT_MAX_WORDS = 10
# An adnominal verb right after a subject puts that subject in a clause
# ("딥시크가 선보인 AI를 둘러싼 견제가 …"): the headline's subject comes later.
_ADNOMINAL = re.compile(
    r"[가-힣](?:한|된|인|진|는|던|은|운|른|난|선|낸|온|본|친|린|킨|힌|긴|준)$"
)
# A verbal noun ("검토", "중단", "피력") or "X 중" ends the headline: its object
# goes without its particle ("개발을 중단" → "개발 중단").
_OBJECT_BEFORE_NOUN_END = re.compile(
    r"(?<=[가-힣A-Za-z0-9])(?:을|를)\s(?=\S+(?:\s중)?$)"
)
_HEADLINE_PHRASES = (
    # "오픈소스에 대한 의견" → "오픈소스 의견", "전향적인 의견" → "전향적 의견".
    (re.compile(r"(?<=\S)에\s대한\s"), " "),
    (re.compile(r"(?<=[가-힣])적인\s"), "적 "),
)
# Sentence endings and their headline form: "가세했다" → "가세", "수립 중인 것으로
# 파악됐다" → "수립 중", "무력화하는 모습이다" → "무력화", "모습이다" → "모습".
# A native verb takes its 아/어 form instead (``_infinitive``).
_HEADLINE_ENDINGS = (
    # "…더 들었을 것이라는 분석이 나왔다" → "…더 들었을 것이라는 분석".
    (
        re.compile(
            r"(?<=라는\s)(분석|관측|전망|평가|지적|주장)이\s(?:나왔다|나온다|제기됐다)$"
        ),
        r"\1",
    ),
    (re.compile(r"(?<=[가-힣]{2})하는\s모습(?:이다)?$"), ""),
    (
        re.compile(
            r"(?<=\S)\s?(?:인|한|된|는|하는)\s것으로\s(?:파악|알려|나타|조사|확인)\S*$"
        ),
        "",
    ),
    # "무산될 것으로 전망된다" → "무산 전망", "급부상하고 있다" → "급부상".
    (
        re.compile(r"(?<=[가-힣]{2})(?:될|할|하게\s될)\s것으로\s(전망|예상|관측)된다$"),
        r" \1",
    ),
    (re.compile(r"(?<=[가-힣]{2})(?:하고|되고)\s있다$"), ""),
    (re.compile(r"(?<=[가-힣]{2})(?:했다|하였다|한다|됐다|되었다|된다)$"), ""),
    (re.compile(r"(?<=[가-힣]{2})이다$"), ""),
)
_NATIVE_PROGRESSIVE = re.compile(r"([가-힣])고\s있다$")
_NATIVE_PAST = re.compile(r"(?<=[가-힣])([가-힣])다$")

_HANGUL_BASE = 0xAC00
_FINAL_SS = 20  # ㅆ
# Medial vowels (Unicode order) and what 아/어 makes of them when the stem
# syllable has no final consonant: ㅣ → ㅕ, ㅜ → ㅝ, ㅗ → ㅘ, ㅡ → ㅓ; ㅏ ㅓ ㅐ ㅔ ㅕ
# stay.
_A, _AE, _EO, _E, _YEO, _O, _WA, _U, _WO, _EU, _I = 0, 1, 4, 5, 6, 8, 9, 13, 14, 18, 20
_OPEN_SYLLABLE = {
    _I: _YEO,
    _U: _WO,
    _O: _WA,
    _EU: _EO,
    _A: _A,
    _EO: _EO,
    _AE: _AE,
    _E: _E,
    _YEO: _YEO,
}
# Irregular stems (ㄷ, ㅂ, ㅅ, ㅎ finals; "르") are left as the sentence has them.
_IRREGULAR_FINALS = {7, 17, 19, 27}


def _syllable(char: str) -> tuple[int, int, int] | None:
    code = ord(char) - _HANGUL_BASE
    if not 0 <= code < 11172:
        return None
    return code // 588, (code % 588) // 28, code % 28


def _compose(initial: int, medial: int, final: int) -> str:
    return chr(_HANGUL_BASE + initial * 588 + medial * 28 + final)


def _infinitive(stem: str) -> str | None:
    """The 아/어 form of a native verb stem ("높이" → "높여", "겪" → "겪어",
    "일으키" → "일으켜", "나서" → "나서"), or ``None`` for a stem it could get
    wrong (irregular verbs, "하")."""
    parts = _syllable(stem[-1])
    if parts is None or stem.endswith(("하", "르")):
        return None
    initial, medial, final = parts
    if final:
        if final in _IRREGULAR_FINALS:
            return None
        return stem + ("아" if medial in (_A, _O) else "어")
    if medial not in _OPEN_SYLLABLE:
        return None
    return stem[:-1] + _compose(initial, _OPEN_SYLLABLE[medial], 0)


def _native_ending(headline: str) -> str:
    """A native verb's ending in its headline form: "높이고 있다" → "높여",
    "거세졌다" → "거세져", "겪었다" → "겪어"."""
    match = _NATIVE_PROGRESSIVE.search(headline)
    if match:
        word = headline[: match.start()].rsplit(" ", 1)[-1] + match.group(1)
        form = _infinitive(word)
        if form:
            start = match.start() - (len(word) - 1)
            return headline[:start] + form
        return headline
    match = _NATIVE_PAST.search(headline)
    parts = _syllable(match.group(1)) if match else None
    if parts and parts[2] == _FINAL_SS:
        return headline[: match.start()] + _compose(parts[0], parts[1], 0)
    return headline


def _headline_subject(words: list[str], within: int = _SUBJECT_MAX_WORDS) -> int | None:
    """The index of the headline's subject: the first word with a subject or
    topic particle, among the first few, that no adnominal verb follows."""
    for index, word in enumerate(words[:within]):
        match = _SUBJECT_WORD.match(word)
        if index + 1 >= len(words) or not match:
            continue
        if word.endswith("는") and _VERB_STEM.search(match.group(1)):
            continue
        if _ADNOMINAL.search(words[index + 1]):
            continue
        return index
    return None


def headline_style(sentence: str) -> str:
    """A sentence as a headline reads: "프랑스가 … 가세했다" → "프랑스, … 가세",
    "… 개발을 중단했다" → "… 개발 중단", "… 수위를 높이고 있다" → "… 수위를 높여".

    The subject particle of the subject becomes a comma, a plain predicate ending
    goes (a native verb keeps its 아/어 form), and the object of a verbal noun at
    the end loses its particle. A quotation is left as it is; a sentence with a
    comma of its own gets no second one after its subject.
    """
    if re.search(r"[“”\"]", sentence):
        return sentence
    headline = sentence
    for pattern, replacement in _HEADLINE_PHRASES:
        headline = pattern.sub(replacement, headline)
    for pattern, replacement in _HEADLINE_ENDINGS:
        shorter = pattern.sub(replacement, headline)
        if shorter != headline:
            headline = _OBJECT_BEFORE_NOUN_END.sub(" ", shorter)
            break
    else:
        headline = _native_ending(headline)
    if "," in headline:
        return headline
    words = headline.split(" ")
    index = _headline_subject(words)
    if index is not None:
        subject = _SUBJECT_WORD.match(words[index]).group(1)
        # "관심, 쏠려" would part a one-word predicate from its subject.
        words[index] = subject if index == len(words) - 2 else subject + ","
        headline = " ".join(words)
    return headline


def headline_from_lead(lead: str, limit: int = HEADLINE_MAX_CHARS) -> str:
    """A short headline from a lead: its first sentence, at most ``limit`` characters.

    Glosses in parentheses go first (a term glossed by its capital abbreviation
    takes the abbreviation: "인공지능(AI)" → "AI") and the sentence is put the
    way headlines are written (``headline_style``). A headline still too long
    keeps its main clause (after the last comma) when that clause stands alone,
    else goes without the description before its subject ("생성형 AI의 선두
    주자인 챗GPT 개발사 오픈AI가 …" → "챗GPT 개발사 오픈AI, …"), else goes without "의"
    between nouns and "새로운" (``_tighter``), else is cut at a word boundary.
    """
    match = _FIRST_SENTENCE.match(lead.strip())
    sentence = (match.group(0) if match else lead).strip()
    sentence = _GLOSS.sub("", abbreviate(sentence)).rstrip(".!? ")
    headline = headline_style(sentence)
    if len(headline) <= limit:
        return headline
    if ", " in sentence:
        main_clause = sentence.rsplit(", ", 1)[1]
        # "이를 구동하는 AI 반도체에도 관심이 쏠리고 있다": the pointer back goes
        # with the description it sits in.
        pointer = _ANAPHORIC_DESCRIPTION.match(main_clause)
        if pointer:
            main_clause = main_clause[pointer.end() :]
            # What it pointed back to leads: "딥시크, … AI 모델 공개…AI 반도체에도
            # 관심 쏠려".
            joined = _with_occasion(sentence.rsplit(", ", 1)[0], main_clause)
            if joined and len(joined) <= limit:
                return joined
        if 15 <= len(main_clause) <= limit and not _ANAPHORIC.match(main_clause):
            return headline_style(main_clause)
    shorter = _without_description(sentence)
    if shorter:
        styled = headline_style(shorter)
        if len(styled) <= limit:
            return styled
        headline = styled
    tighter = _tighter(headline)
    if len(tighter) <= limit:
        return tighter
    return _shorten(headline, limit)


# "의" between nouns, which headlines leave out ("딥시크의 급부상" → "딥시크
# 급부상"); not the 의 of a word ("회의", "합의", "논의" …), nor the "새로운" of
# what is new.
_GENITIVE = re.compile(
    r"(?<=[가-힣A-Za-z0-9])(?<![회합논협결동편주정강문모건제민호심적])의\s(?=[가-힣A-Za-z])"
)
_FILLER = re.compile(r"(?<!\S)(?:새로운|각종|다양한)\s")


def _tighter(headline: str) -> str:
    """``headline`` as the desk tightens one that runs long: no "의" between
    nouns and no "새로운" (nothing a reader misses)."""
    return _FILLER.sub("", _GENITIVE.sub(" ", headline))


# A clause setting the occasion for the main one ("…AI 모델을 공개한 가운데,").
_OCCASION = re.compile(
    r"(?<=[가-힣]{2})(?:한|된)\s가운데$|(?<=[가-힣]{2})(?:하자|되자|하면서)$"
)
# An adverbial before a subject ("전 세계적 AI 열풍에 …").
_ADVERBIAL = re.compile(r"[가-힣A-Za-z0-9](?:에|에서|으로|로)$")


def _with_occasion(clause: str, main_clause: str) -> str | None:
    """The occasion and the news as one headline: "전 세계적 AI 열풍에 중국
    스타트업 딥시크가 고도로 숙련된 AI 모델을 공개한 가운데" and "AI 반도체에도
    관심이 쏠리고 있다" → "중국 스타트업 딥시크, 고도로 숙련된 AI 모델 공개…AI
    반도체에도 관심 쏠려"; ``None`` when the clause is no occasion with a subject."""
    if not _OCCASION.search(clause):
        return None
    occasion = _OCCASION.sub("", clause)
    words = occasion.split(" ")
    subject = _headline_subject(words, within=len(words))
    if subject is None:
        return None
    start = max(
        (i + 1 for i in range(subject) if _ADVERBIAL.search(words[i])), default=0
    )
    occasion = _OBJECT_BEFORE_NOUN_END.sub(" ", " ".join(words[start:]))
    return f"{headline_style(occasion)}…{headline_style(main_clause)}"


def _without_description(sentence: str) -> str | None:
    """``sentence`` without the words up to the last adnominal verb before its
    subject ("…테크업계를 강타한 중국 딥시크의 … 비용이 …" → "중국 딥시크의 …
    비용이 …"), or ``None`` when nothing describes the subject."""
    words = sentence.split(" ")
    subject = _headline_subject(words, within=len(words))
    if not subject:
        return None
    described = [i for i in range(subject) if _ADNOMINAL.search(words[i])]
    if not described:
        return None
    return " ".join(words[described[-1] + 1 :])


def parse_leads(text: str, *, source: str = "", name: str = "<input>") -> ParseResult:
    """One article per lead line; menu lines are skipped, fragments rejected."""
    result = ParseResult(format="leads")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or is_furniture_line(line):
            continue
        location = f"line {number}"
        if len(line) < MIN_LEAD_CHARS:
            reason = (
                f"리드 문단이 너무 짧습니다({len(line)}자, 최소 {MIN_LEAD_CHARS}자)"
            )
            result.rejected.append(RejectedRecord(location, reason))
            continue
        try:
            article = build_article(
                headline=headline_from_lead(clean_body(line).body),
                body_raw=line,
                location=location,
                source=source or DEFAULT_SOURCE,
            )
        except RecordError as error:
            result.rejected.append(RejectedRecord(location, str(error)))
            continue
        result.articles.append(article)
    return result
