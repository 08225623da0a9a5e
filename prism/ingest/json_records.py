"""JSON and JSONL inputs following the record schema in ``prism.ingest.records``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from prism.ingest.base import IngestError, ParseResult, RecordError, RejectedRecord
from prism.ingest.records import record_to_article

# json.loads recurses once per level: "[" * 1000 exhausts Python's stack.
NESTED_TOO_DEEPLY = "JSON이 너무 깊게 중첩되어 있습니다(기사 레코드는 평평한 객체)"


def _collect(result: ParseResult, record: object, location: str, source: str) -> None:
    """Add one record to ``result`` as an article or as a rejection."""
    try:
        result.articles.append(
            record_to_article(record, location=location, source=source)
        )
    except RecordError as error:
        result.rejected.append(RejectedRecord(location=location, reason=str(error)))


def parse_json(text: str, *, source: str = "", name: str = "<input>") -> ParseResult:
    """A JSON list of records, or an object holding them under ``"articles"``."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise IngestError(NESTED_TOO_DEEPLY, name=name) from None
    except json.JSONDecodeError as error:
        raise IngestError(
            f"JSON 구문 오류({error.msg}) - 파일이 잘렸거나 형식이 잘못되었습니다",
            name=name,
            location=f"line {error.lineno} column {error.colno}",
        ) from None
    if isinstance(data, dict):
        if "articles" not in data:
            raise IngestError(
                '최상위 객체에 "articles" 목록이 없습니다 (JSON은 기사 목록이거나 '
                '{"articles": [...]} 형태여야 합니다)',
                name=name,
            )
        data = data["articles"]
    if not isinstance(data, list):
        raise IngestError("기사 목록(JSON 배열)이 아닙니다", name=name)
    if not data:
        raise IngestError("기사가 하나도 없습니다(빈 목록)", name=name)
    return parse_records(data, source=source)


def parse_records(
    records: Iterable[object],
    *,
    source: str = "",
    format: str = "json",
    start: int = 1,
    check: Callable[[object], object] | None = None,
) -> ParseResult:
    """Records already read (a JSON list, an API request body) as a ParseResult.

    Each is located as ``record N``, counting from ``start``; ``check`` may vet or
    reshape a record first and refuses one by raising RecordError.
    """
    result = ParseResult(format=format)
    for number, record in enumerate(records, start=start):
        location = f"record {number}"
        try:
            if check is not None:
                record = check(record)
        except RecordError as error:
            result.rejected.append(RejectedRecord(location, str(error)))
            continue
        _collect(result, record, location, source)
    return result


def parse_jsonl(text: str, *, source: str = "", name: str = "<input>") -> ParseResult:
    """One JSON object per line; a broken line is rejected, the others import."""
    result = ParseResult(format="jsonl")
    # JSON Lines separates records by "\n" only: str.splitlines() would also split
    # inside strings at U+0085 / U+2028, which JSON allows unescaped.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        location = f"line {number}"
        try:
            record = json.loads(line)
        except RecursionError:
            result.rejected.append(RejectedRecord(location, NESTED_TOO_DEEPLY))
            continue
        except json.JSONDecodeError as error:
            reason = f"JSON 구문 오류({error.msg}, column {error.colno})"
            result.rejected.append(RejectedRecord(location=location, reason=reason))
            continue
        _collect(result, record, location, source)
    if not result.articles and not result.rejected:
        raise IngestError("기사가 하나도 없습니다", name=name)
    return result
