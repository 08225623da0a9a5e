"""RSS and Atom feeds, read with feedparser from text the caller already fetched."""

from __future__ import annotations

import datetime as dt
import io
import xml.sax
from typing import Any

import feedparser

from prism.ingest.base import (
    IngestError,
    ParseResult,
    RecordError,
    RejectedRecord,
    build_article,
)
from prism.ingest.records import parse_datetime


def _published_at(entry: Any) -> dt.datetime | None:
    """The entry's publication time, keeping the feed's own UTC offset."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if raw:
            try:
                return parse_datetime(raw)
            except (ValueError, TypeError, OverflowError):
                pass
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return dt.datetime(*parsed[:6], tzinfo=dt.UTC)
    return None


def _body(entry: Any) -> str:
    """The fullest text the entry carries: content:encoded, else summary."""
    candidates = [part.get("value", "") for part in entry.get("content") or []]
    candidates.append(entry.get("summary", ""))
    return max(candidates, key=len)


def _section(entry: Any) -> str:
    tags = entry.get("tags") or []
    return (tags[0].get("term") or "") if tags else ""


def _bozo_error(parsed: Any, name: str) -> IngestError:
    error = parsed.get("bozo_exception")
    location = ""
    if hasattr(error, "getLineNumber"):
        location = f"line {error.getLineNumber()}"
    message = getattr(error, "getMessage", lambda: str(error))()
    return IngestError(
        f"피드를 읽을 수 없습니다(XML 오류: {message})", name=name, location=location
    )


def parse_feed(text: str, *, source: str = "", name: str = "<input>") -> ParseResult:
    """Every item/entry of an RSS 2.0, RSS 1.0 or Atom feed as an article."""
    # Bytes in a stream, with the charset stated, so feedparser neither mistakes the
    # text for a URL or a file name nor re-decodes it by the XML declaration.
    parsed = feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        response_headers={"content-type": "application/xml; charset=utf-8"},
        sanitize_html=True,
        resolve_relative_uris=False,
    )
    # Malformed XML is refused as a whole: feedparser's lenient fallback would guess
    # at item boundaries and import fragments. Charset notices are harmless.
    if isinstance(parsed.get("bozo_exception"), xml.sax.SAXParseException):
        raise _bozo_error(parsed, name)
    if not parsed.entries:
        raise IngestError("피드에 기사(item/entry)가 하나도 없습니다", name=name)
    feed = parsed.get("feed", {})
    default_source = source or feed.get("title", "")
    language = (feed.get("language") or "ko").split("-")[0].lower()
    result = ParseResult(format="rss")
    for number, entry in enumerate(parsed.entries, start=1):
        location = f"item {number}"
        try:
            article = build_article(
                headline=entry.get("title", ""),
                body_raw=_body(entry),
                location=location,
                source=default_source,
                external_id=entry.get("id", ""),
                url=entry.get("link", ""),
                section=_section(entry),
                byline=entry.get("author", ""),
                published_at=_published_at(entry),
                language=language,
            )
        except RecordError as error:
            result.rejected.append(RejectedRecord(location=location, reason=str(error)))
            continue
        result.articles.append(article)
    return result
