"""CSV (or tab-separated) inputs with a header row naming the schema's fields."""

from __future__ import annotations

import csv
import io

from prism.ingest.base import IngestError, ParseResult, RecordError, RejectedRecord
from prism.ingest.records import FIELD_ALIASES, record_to_article

# Article bodies are longer than the csv module's default 128 KiB field limit allows
# for pasted compilations; 16 MiB still bounds a runaway unterminated quote.
_FIELD_LIMIT = 16 * 1024 * 1024


def _delimiter(header_line: str) -> str:
    return "\t" if header_line.count("\t") > header_line.count(",") else ","


def _check_header(fieldnames: list[str] | None, name: str) -> None:
    """Refuse a header without the required headline and body columns."""
    columns = {str(column).strip().lower() for column in fieldnames or []}
    missing = [
        "/".join(FIELD_ALIASES[field])
        for field in ("headline", "body")
        if not columns & set(FIELD_ALIASES[field])
    ]
    if missing:
        raise IngestError(
            f"CSV 머리글에 필수 열이 없습니다: {', '.join(missing)} "
            f"(머리글: {', '.join(fieldnames or []) or '없음'})",
            name=name,
            location="line 1",
        )


def parse_csv(text: str, *, source: str = "", name: str = "<input>") -> ParseResult:
    """Rows of the record schema; a row with the wrong shape is rejected by its line."""
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    first_line = text.lstrip("\n").split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(first_line))
    result = ParseResult(format="csv")
    try:
        _check_header(reader.fieldnames, name)
        width = len(reader.fieldnames or [])
        for row in reader:
            location = f"line {reader.line_num}"
            extra = row.pop(None, None)
            if extra is not None or any(value is None for value in row.values()):
                cells = width + len(extra or [])
                cells -= sum(value is None for value in row.values())
                reason = f"열 개수가 머리글({width}개)과 다릅니다({cells}개)"
                result.rejected.append(RejectedRecord(location=location, reason=reason))
                continue
            try:
                article = record_to_article(row, location=location, source=source)
            except RecordError as error:
                result.rejected.append(RejectedRecord(location, str(error)))
                continue
            result.articles.append(article)
    except csv.Error as error:
        raise IngestError(
            f"CSV 구문 오류: {error}", name=name, location=f"line {reader.line_num}"
        ) from None
    if not result.articles and not result.rejected:
        raise IngestError("머리글만 있고 기사 행이 없습니다", name=name)
    return result
