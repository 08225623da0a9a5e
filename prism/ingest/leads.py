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


def headline_from_lead(lead: str, limit: int = HEADLINE_MAX_CHARS) -> str:
    """A short headline from a lead: its first sentence, at most ``limit`` characters.

    Glosses in parentheses go first; a long sentence keeps its main clause (after the
    last comma) when that clause stands alone, else it is cut at a word boundary.
    """
    match = _FIRST_SENTENCE.match(lead.strip())
    sentence = (match.group(0) if match else lead).strip()
    sentence = _GLOSS.sub("", sentence).rstrip(".!? ")
    if len(sentence) <= limit:
        return sentence
    if ", " in sentence:
        main_clause = sentence.rsplit(", ", 1)[1]
        if 15 <= len(main_clause) <= limit and not _ANAPHORIC.match(main_clause):
            return main_clause
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
