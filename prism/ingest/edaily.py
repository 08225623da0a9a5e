"""이데일리 search-result pages: ``뉴스 검색결과 N건``, then pairs of lines
``- <headline>`` and ``- [이데일리 <name> 기자] <body>``."""

from __future__ import annotations

import re

from prism.ingest.base import ParseResult, RecordError, RejectedRecord, build_article
from prism.ingest.clean import is_furniture_line

DEFAULT_SOURCE = "이데일리"

RESULT_COUNT = re.compile(r"^뉴스\s*검색\s*결과\s*[\d,]+\s*건")
REPORTER_TAG = re.compile(r"^\[[^\]]{0,40}(?:기자|특파원|논설위원)\]")
# A headline is a line; anything longer is a body that lost its reporter tag.
_MAX_HEADLINE = 200


def _items(text: str) -> list[tuple[int, str]]:
    """The ``- `` items with their line numbers, continuation lines joined on."""
    items: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or RESULT_COUNT.match(line) or is_furniture_line(line):
            continue
        if line.startswith("- ") or line == "-":
            items.append((number, line[2:].strip()))
        elif items:
            items[-1] = (items[-1][0], items[-1][1] + "\n" + line)
        else:
            items.append((number, line))
    return items


def _is_body(item: str) -> bool:
    return bool(REPORTER_TAG.match(item)) or len(item) > _MAX_HEADLINE


def parse_edaily(text: str, *, source: str = "", name: str = "<input>") -> ParseResult:
    """Pair headlines with bodies; an unpaired line is rejected by its line number."""
    result = ParseResult(format="edaily")
    items = _items(text)
    index = 0
    while index < len(items):
        number, item = items[index]
        location = f"line {number}"
        if _is_body(item):
            reason = "headline(제목) 줄 없이 본문이 나왔습니다"
            result.rejected.append(RejectedRecord(location, reason))
            index += 1
            continue
        if index + 1 >= len(items) or not _is_body(items[index + 1][1]):
            reason = "제목 다음에 '- [이데일리 <이름> 기자] 본문' 줄이 없습니다"
            result.rejected.append(RejectedRecord(location, reason))
            index += 1
            continue
        try:
            article = build_article(
                headline=item,
                body_raw=items[index + 1][1],
                location=location,
                source=source or DEFAULT_SOURCE,
            )
        except RecordError as error:
            result.rejected.append(RejectedRecord(location, str(error)))
        else:
            result.articles.append(article)
        index += 2
    return result
