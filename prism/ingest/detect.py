"""Guessing an input's format from its content (and, for CSV, its name)."""

from __future__ import annotations

import csv
import json
import re

from prism.ingest.base import IngestError
from prism.ingest.clean import is_furniture_line
from prism.ingest.edaily import REPORTER_TAG, RESULT_COUNT
from prism.ingest.leads import MIN_LEAD_CHARS
from prism.ingest.records import FIELD_ALIASES
from prism.ingest.sedaily import META_LINE

FORMATS = ("sedaily", "edaily", "leads", "jsonl", "json", "csv", "rss")

_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".rss": "rss",
    ".atom": "rss",
    ".xml": "rss",
}
# Only the head of a large input is inspected.
_HEAD_LINES = 200
_MAX_HEADER_CHARS = 64 * 1024


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()[:_HEAD_LINES] if line.strip()]


def _is_csv_header(line: str) -> bool:
    delimiter = "\t" if line.count("\t") > line.count(",") else ","
    # A header is short; a first line longer than csv's field limit is no header.
    if len(line) > _MAX_HEADER_CHARS:
        return False
    try:
        cells = next(csv.reader([line], delimiter=delimiter))
    except csv.Error:
        return False
    columns = {cell.strip().lower() for cell in cells}
    return all(columns & set(FIELD_ALIASES[field]) for field in ("headline", "body"))


def _json_kind(text: str, lines: list[str]) -> str:
    if text.startswith("["):
        return "json"
    try:
        first = json.loads(lines[0])
    except (json.JSONDecodeError, RecursionError):
        return "json"
    single_document = (
        len(lines) == 1 and isinstance(first, dict) and "articles" in first
    )
    return "json" if single_document else "jsonl"


def _looks_like_leads(lines: list[str]) -> bool:
    prose = [line for line in lines if not is_furniture_line(line)]
    long_lines = [line for line in prose if len(line) >= MIN_LEAD_CHARS]
    return bool(prose) and len(long_lines) * 2 >= len(prose)


def detect_format(text: str, name: str = "") -> str:
    """One of FORMATS for ``text``; raises IngestError when nothing fits."""
    head = text.lstrip("\ufeff \t\r\n")
    if not head:
        raise IngestError("입력이 비어 있습니다", name=name)
    lines = _lines(head)
    if head.startswith("<"):
        if _FEED_ROOT.search(head[:4096]):
            return "rss"
        raise IngestError(
            "XML/HTML 문서이지만 RSS·Atom 피드가 아닙니다", name=name, location="line 1"
        )
    if head.startswith(("[", "{")):
        return _json_kind(head, lines)
    suffix = name.lower().rsplit("/", 1)[-1]
    suffix = suffix[suffix.rfind(".") :] if "." in suffix else ""
    if _EXTENSIONS.get(suffix) == "csv" or _is_csv_header(lines[0]):
        return "csv"
    if RESULT_COUNT.match(lines[0]) or any(
        line.startswith("- ") and REPORTER_TAG.match(line[2:].lstrip())
        for line in lines
    ):
        return "edaily"
    if any(META_LINE.match(line) for line in lines):
        return "sedaily"
    if _looks_like_leads(lines):
        return "leads"
    raise IngestError(
        "입력 형식을 알아낼 수 없습니다. --format으로 형식을 지정하세요 "
        f"({', '.join(FORMATS)})",
        name=name,
    )
