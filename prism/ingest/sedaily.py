"""서울경제 site dumps: a ``-`` line, the headline, then one line
``<section> <subsection> YYYY.MM.DD HH:MM:SS<body>`` ending in `` -`` before the next
article; page furniture (menus, address, copyright) follows the last article."""

from __future__ import annotations

import datetime as dt
import re

from prism.ingest.base import (
    SEOUL,
    ParseResult,
    RecordError,
    RejectedRecord,
    build_article,
)
from prism.ingest.clean import is_furniture_line

DEFAULT_SOURCE = "서울경제"

META_LINE = re.compile(
    r"^(?P<section>\S+)\s+(?P<subsection>\S.*?)\s+"
    r"(?P<date>\d{4})\.(?P<month>\d{2})\.(?P<day>\d{2})\s+"
    r"(?P<time>\d{2}:\d{2}:\d{2})(?P<body>.*)$"
)
_SEPARATOR = "-"


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Split into (first line number, lines) blocks at the ``-`` separators."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line == _SEPARATOR:
            blocks.append((start, current))
            current, start = [], number + 1
            continue
        # The separator is usually glued to the end of the previous body line.
        ends_block = line.endswith(" " + _SEPARATOR)
        if ends_block:
            line = line[: -len(_SEPARATOR)].rstrip()
        if not current:
            start = number
        current.append(line)
        if ends_block:
            blocks.append((start, current))
            current, start = [], number + 1
    blocks.append((start, current))
    return [(first, lines) for first, lines in blocks if any(lines)]


def _published_at(match: re.Match) -> dt.datetime:
    hour, minute, second = (int(part) for part in match["time"].split(":"))
    return dt.datetime(
        int(match["date"]), int(match["month"]), int(match["day"]),
        hour, minute, second, tzinfo=SEOUL,
    )  # fmt: skip


def _article_lines(lines: list[str]) -> list[str]:
    """The block up to the page furniture that follows the last article."""
    kept = []
    for line in lines:
        if is_furniture_line(line):
            break
        kept.append(line)
    return kept


def _parse_block(first: int, lines: list[str], source: str):
    """One article from a block, or None for a block that is only page furniture."""
    lines = [line for line in _article_lines(lines) if line]
    if not lines:
        return None
    if len(lines) < 2 or not (match := META_LINE.match(lines[1])):
        raise RecordError(
            "제목 다음 줄에 '<섹션> <하위 섹션> YYYY.MM.DD HH:MM:SS본문' 형식의 "
            "섹션·날짜 줄이 없습니다"
        )
    try:
        published_at = _published_at(match)
    except ValueError:
        raise RecordError("published_at(날짜) 값이 올바른 날짜가 아닙니다") from None
    body = "\n".join([match["body"].strip(), *lines[2:]])
    return build_article(
        headline=lines[0],
        body_raw=body,
        location=f"line {first}",
        source=source or DEFAULT_SOURCE,
        section=match["section"],
        subsection=match["subsection"],
        published_at=published_at,
    )


def parse_sedaily(text: str, *, source: str = "", name: str = "<input>") -> ParseResult:
    """Every article of a 서울경제 dump; broken blocks are rejected by line."""
    result = ParseResult(format="sedaily")
    for first, lines in _blocks(text):
        try:
            article = _parse_block(first, lines, source)
        except RecordError as error:
            result.rejected.append(RejectedRecord(f"line {first}", str(error)))
            continue
        if article is not None:
            result.articles.append(article)
    return result
