"""Sentence splitting tuned for Korean news text, with character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text and where it sits in the text it was split from."""

    text: str
    start: int
    end: int

    def as_dict(self) -> dict[str, object]:
        """The JSON shape stored with summaries: ``{"text", "start", "end"}``."""
        return {"text": self.text, "start": self.start, "end": self.end}


OPENING_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉"}
CLOSING_QUOTES = {closing: opening for opening, closing in OPENING_QUOTES.items()}
STRAIGHT_QUOTES = {'"', "'"}
CLOSERS = set(CLOSING_QUOTES) | STRAIGHT_QUOTES | {")", "]", "}", "」"}
TERMINATORS = {".", "!", "?", "…", "。"}
# Syllables that end a Korean sentence; a period after them can close a sentence
# even when the next one follows without a space ("결과다.차세대 ...").
FINAL_SYLLABLES = set("다요까죠음함됨임네라")
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "jr", "sr", "st", "prof", "inc", "corp", "co", "ltd",
    "vs", "etc", "no", "nos", "vol", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "gov", "dept", "est", "approx",
    "fig", "al", "e.g", "i.e", "u.s", "u.k", "u.n",
}  # fmt: skip
# A list marker at the start of a line is not part of the sentence that follows it.
LIST_MARKER = re.compile(
    r"\s*(?:[-–—•·▲△▶▷►■□◆◇●○◎※☞*]+|\(?\d{1,2}[.)]|[①-⑳]|[가-하]\.|[a-zA-Z][.)])\s+"
)
HANGUL = re.compile(r"[가-힣]")


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences; offsets satisfy ``text[start:end] == s.text``."""
    sentences: list[Sentence] = []
    for line_start, line_end in _lines(text):
        marker = LIST_MARKER.match(text, line_start, line_end)
        if marker and marker.end() < line_end:
            line_start = marker.end()
        for start, end in _split_line(text, line_start, line_end):
            start, end = _strip(text, start, end)
            if start < end:
                sentences.append(Sentence(text[start:end], start, end))
    return sentences


def _lines(text: str) -> list[tuple[int, int]]:
    """Line spans; a line break always ends a sentence (paragraphs, titles)."""
    spans, start = [], 0
    for match in re.finditer(r"\r\n|\r|\n|\u2028|\u2029", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one line."""
    quoted = _quote_spans(text, start, end)
    spans, segment_start, i = [], start, start
    while i < end:
        if text[i] not in TERMINATORS:
            i += 1
            continue
        run_end = i
        while run_end < end and text[run_end] in TERMINATORS:
            run_end += 1
        boundary = _boundary_after(text, i, run_end, end, quoted, segment_start)
        if boundary is not None:
            spans.append((segment_start, boundary))
            segment_start = boundary
            i = boundary
        else:
            i = run_end
    spans.append((segment_start, end))
    return spans


def _boundary_after(
    text: str, i: int, run_end: int, end: int, quoted: list[tuple[int, int]], seg: int
) -> int | None:
    """Where the sentence ends if the terminator run ``text[i:run_end]`` ends it."""
    run = text[i:run_end]
    before = text[i - 1] if i > 0 else ""
    after = run_end
    # Closing quotes and brackets right after the terminator belong to this sentence.
    while after < end and text[after] in CLOSERS:
        after += 1
    closes_quote = after > run_end
    next_char = text[after] if after < end else ""
    if any(a < i < b for a, b in quoted) and not _quote_closes_within(quoted, i, after):
        return None  # a full stop inside a quotation: “좋다. 하지만 …”고 말했다
    if run in {".", "。"}:
        if before.isdigit() and next_char.isdigit():
            return None  # 3.5%, 2025.04.15
        if _is_abbreviation(text, i, seg) or _is_list_number(text, i, seg):
            return None
    elif "…" in run or run.startswith(".."):
        # An ellipsis ends a sentence only after a sentence ending ("했다… 그러나").
        if before not in FINAL_SYLLABLES:
            return None
    if not next_char or next_char.isspace():
        return after
    if closes_quote:
        # “…늘었다.”고 말했다 — the quote continues the sentence.
        return None
    glued = run in {".", "!", "?"} and before in FINAL_SYLLABLES
    if glued and (HANGUL.match(next_char) or next_char in "“‘\"'[(<A-Z◇◆■□▲△▶●○"):
        return run_end
    return None


def _quote_closes_within(quoted: list[tuple[int, int]], i: int, after: int) -> bool:
    """True when every quotation open at ``i`` closes before ``after``."""
    return all(b < after for a, b in quoted if a < i < b)


def _is_abbreviation(text: str, i: int, seg: int) -> bool:
    match = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(seg, i - 12) : i])
    if not match:
        return False
    word = match.group(1)
    if re.fullmatch(r"(?:[A-Za-z]\.)*[A-Z]", word):
        return True  # initials: J. P. Morgan, U.S. Steel, J.P.
    if word.lower().rstrip(".") in ABBREVIATIONS:
        return True
    # Lower-case continuation after the period means an English abbreviation.
    nxt = re.match(r"\s*([a-z])", text[i + 1 : i + 4])
    return bool(nxt)


def _is_list_number(text: str, i: int, seg: int) -> bool:
    """``1.`` at the start of a segment is a list number, not a sentence."""
    return bool(re.fullmatch(r"\s*\(?\d{1,2}", text[seg:i]))


def _quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Matched quotation spans ``(open, close)`` inside one line."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i in range(start, end):
        ch = text[i]
        if ch in OPENING_QUOTES:
            stack.append((ch, i))
        elif ch in CLOSING_QUOTES:
            opening = CLOSING_QUOTES[ch]
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == opening:
                    spans.append((stack[depth][1], i))
                    del stack[depth:]
                    break
        elif ch in STRAIGHT_QUOTES:
            if ch == "'" and _is_apostrophe(text, i, start, end):
                continue
            if stack and stack[-1][0] == ch:
                spans.append((stack.pop()[1], i))
            else:
                stack.append((ch, i))
    return spans


def _is_apostrophe(text: str, i: int, start: int, end: int) -> bool:
    """An apostrophe between two Latin letters (don't, Moody's) is not a quote."""
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < end else " "
    return before.isascii() and before.isalpha() and after.isascii() and after.isalpha()
