"""The record schema shared by JSON, JSONL and CSV inputs, and date parsing.

Schema (one object per article; JSON may be a list of objects or
``{"articles": [...]}``, JSONL is one object per line, CSV has a header row):

- ``headline`` (alias ``title``): required, the article's headline.
- ``body`` (aliases ``content``, ``text``): required, plain text or HTML; cleaned on
  import (bylines, reporter tags, photo captions, e-mail addresses, page furniture).
- ``published_at`` (aliases ``date``, ``published``): optional; ISO 8601
  (``2025-04-15T09:51:26+09:00``), ``YYYY.MM.DD HH:MM:SS``, ``YYYY-MM-DD HH:MM``,
  ``YYYY-MM-DD`` or RFC 2822; a time without offset is Korea time (Asia/Seoul).
- ``section``, ``subsection``: optional, e.g. ``경제·금융`` / ``증권일반``.
- ``byline`` (aliases ``author``, ``reporter``): optional; else the reporter named in
  the body's tag (``[이데일리 김현아 기자]`` gives ``김현아 기자``).
- ``url`` (alias ``link``): optional canonical http(s) URL; recognises the article
  when it is imported again.
- ``source`` (alias ``publisher``): optional publisher name; else ``--source``.
- ``id`` (alias ``external_id``): optional, the newsroom's own article id.
- ``language`` (alias ``lang``): optional, default ``ko``.

Field names are case-insensitive; unknown fields are ignored. A record without a
headline or body, with an unreadable date or a non-http(s) URL is rejected with its
line (JSONL, CSV) or record number (JSON) and the other records still import.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Mapping
from typing import Any

from prism.ingest.base import SEOUL, ParsedArticle, RecordError, build_article

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "headline": ("headline", "title"),
    "body": ("body", "content", "text"),
    "published_at": ("published_at", "date", "published"),
    "section": ("section",),
    "subsection": ("subsection",),
    "byline": ("byline", "author", "reporter"),
    "url": ("url", "link"),
    "source": ("source", "publisher"),
    "external_id": ("id", "external_id"),
    "language": ("language", "lang"),
}

_DOTTED = re.compile(
    r"^(\d{4})[.\-/]\s?(\d{1,2})[.\-/]\s?(\d{1,2})\.?"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


def parse_datetime(value: str) -> dt.datetime:
    """Parse a publication time; naive times are Korea time. Raises ValueError."""
    text = value.strip()
    if not text:
        raise ValueError("empty")
    match = _DOTTED.match(text)
    if match:
        year, month, day, hour, minute, second = (int(g or 0) for g in match.groups())
        parsed = dt.datetime(year, month, day, hour, minute, second)
    else:
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SEOUL)
    return parsed


def _field(record: Mapping[str, Any], name: str) -> Any:
    """The value of ``name`` under any of its aliases (case-insensitive), or None."""
    lowered = {str(key).strip().lower(): value for key, value in record.items()}
    for alias in FIELD_ALIASES[name]:
        value = lowered.get(alias)
        if value not in (None, ""):
            return value
    return None


def _text(record: Mapping[str, Any], name: str) -> str:
    value = _field(record, name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        kind = type(value).__name__
        raise RecordError(f"{name} 필드는 문자열이어야 합니다({kind} 값이 있음)")
    return str(value)


def record_to_article(record: Any, *, location: str, source: str = "") -> ParsedArticle:
    """Map one schema record to a ParsedArticle; RecordError names a bad field."""
    if not isinstance(record, Mapping):
        raise RecordError(f"레코드가 객체가 아닙니다({type(record).__name__})")
    headline = _text(record, "headline")
    if not headline.strip():
        raise RecordError("headline(title) 필드가 없거나 비어 있습니다")
    body = _text(record, "body")
    if not body.strip():
        raise RecordError("body(content, text) 필드가 없거나 비어 있습니다")
    published_text = _text(record, "published_at")
    published_at = None
    if published_text.strip():
        try:
            published_at = parse_datetime(published_text)
        except (ValueError, TypeError, OverflowError):
            raise RecordError(
                f"published_at 값 {published_text[:40]!r}을(를) 날짜로 읽을 수 없습니다"
                " (예: 2025-04-15T09:51:26+09:00, 2025.04.15 09:51:26)"
            ) from None
    return build_article(
        headline=headline,
        body_raw=body,
        location=location,
        source=_text(record, "source") or source,
        external_id=_text(record, "external_id"),
        url=_text(record, "url"),
        section=_text(record, "section"),
        subsection=_text(record, "subsection"),
        byline=_text(record, "byline"),
        published_at=published_at,
        language=_text(record, "language") or "ko",
    )
