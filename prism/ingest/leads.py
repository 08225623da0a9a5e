"""Lead paragraphs, one per line and without headlines (서울경제 lead lists); the
headline is derived from the lead's first sentence."""

from __future__ import annotations

import re

from prism.ingest.base import ParseResult, RecordError, RejectedRecord, build_article
from prism.ingest.clean import clean_body, is_furniture_line

DEFAULT_SOURCE = "서울경제"
HEADLINE_MAX_CHARS = 60
# Below this a line is a menu entry or a stray fragment, not a lead paragraph.
MIN_LEAD_CHARS = 40

_FIRST_SENTENCE = re.compile(r"^.+?(?:다|요|까)[.!?](?=\s|$)|^.+?[.!?](?=\s|$)")
# Short glosses like "(AI)", "(DeepSeek)", "(CEO)" that a headline can do without.
_GLOSS = re.compile(r"\s*\([A-Za-z0-9 .&·\-]{1,30}\)")
# A clause opening with a pointer back ("이를", "이에") cannot stand alone.
_ANAPHORIC = re.compile(r"^(?:이|그|이를|이에|이는|이와|그러나|하지만|다만)\s")


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,·") + "…"


# The subject of a lead's sentence: its first word carrying a subject particle.
_SUBJECT = re.compile(r"^((?:\S+\s){0,4}?\S{2,}?)(?:이|가|은|는)\s(?=\S)")
_LATER_SUBJECT = re.compile(r"[가-힣A-Za-z0-9](?:이|가)\s")
# Sentence endings and their headline form: "가세했다" → "가세", "들어섰다" →
# "들어서", "모습이다" → "모습", "검토하고 있다" → "검토". Other endings stay.
_HEADLINE_ENDINGS = (
    # "무산될 것으로 전망된다" → "무산 전망", "급부상하고 있다" → "급부상".
    (
        re.compile(r"(?<=[가-힣]{2})(?:될|할|하게\s될)\s것으로\s(전망|예상|관측)된다$"),
        r" \1",
    ),
    (re.compile(r"(?<=[가-힣]{2})(?:하고|되고)\s있다$"), ""),
    (re.compile(r"(?<=[가-힣]{2})(?:했다|하였다|한다|됐다|되었다|된다)$"), ""),
    (re.compile(r"(?<=[가-힣])(?:섰다)$"), "서"),
    (re.compile(r"(?<=[가-힣]{2})(?:이다|였다)$"), ""),
)


def headline_style(sentence: str) -> str:
    """A sentence as a headline reads: "프랑스가 … 가세했다" → "프랑스, … 가세".

    The subject particle of its first subject becomes a comma and a plain
    predicate ending goes; a sentence with a comma or a quotation stays as it is.
    """
    if re.search(r"[,“”\"]", sentence):
        return sentence
    headline = sentence
    for pattern, replacement in _HEADLINE_ENDINGS:
        shorter = pattern.sub(replacement, headline)
        if shorter != headline:
            headline = shorter
            break
    match = _SUBJECT.match(headline)
    # Another subject later means the first sits in a clause ("딥시크가 선보인 AI를
    # 둘러싼 견제가 …"): then the sentence keeps its particles.
    if match and not _LATER_SUBJECT.search(headline[match.end() :]):
        headline = f"{match.group(1)}, {headline[match.end() :]}"
    return headline


def headline_from_lead(lead: str, limit: int = HEADLINE_MAX_CHARS) -> str:
    """A short headline from a lead: its first sentence, at most ``limit`` characters.

    Glosses in parentheses go first; a long sentence keeps its main clause (after the
    last comma) when that clause stands alone, else it is cut at a word boundary;
    then it is put the way headlines are written (``headline_style``).
    """
    match = _FIRST_SENTENCE.match(lead.strip())
    sentence = (match.group(0) if match else lead).strip()
    sentence = _GLOSS.sub("", sentence).rstrip(".!? ")
    if len(sentence) <= limit:
        return headline_style(sentence)
    if ", " in sentence:
        main_clause = sentence.rsplit(", ", 1)[1]
        if 15 <= len(main_clause) <= limit and not _ANAPHORIC.match(main_clause):
            return headline_style(main_clause)
    return _shorten(sentence, limit)


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
