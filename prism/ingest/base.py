"""The shapes every parser returns, and the one place a parsed record is validated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from prism.ingest.clean import clean_body
from prism.ingest.kinds import classify_article
from prism.ingest.validation import record_problem

SEOUL = ZoneInfo("Asia/Seoul")

# Mirrors the column sizes of prism.models.Article; ingest may not import Django, and a
# record that does not fit is better rejected here than failing the whole transaction.
MAX_LENGTHS = {
    "headline": 500,
    "source": 100,
    "external_id": 200,
    "url": 500,
    "section": 100,
    "subsection": 100,
    "byline": 200,
    "language": 10,
}

# Below this many characters a cleaned body is not an article (a stray caption, a menu).
MIN_BODY_CHARS = 20


@dataclass
class ParsedArticle:
    """One article read from an input, raw and cleaned, not yet in the database."""

    headline: str
    body_raw: str
    body: str
    source: str = ""
    external_id: str = ""
    url: str = ""
    section: str = ""
    subsection: str = ""
    byline: str = ""
    published_at: dt.datetime | None = None
    language: str = "ko"
    location: str = ""
    kind: str = "news"
    # True when the record had no date and published_at was set at import.
    published_at_estimated: bool = False


@dataclass
class RejectedRecord:
    """A record that could not be read; ``reason`` names the field at fault."""

    location: str
    reason: str


@dataclass
class ParseResult:
    """Everything one input yielded: its format, good articles and rejected records."""

    format: str
    articles: list[ParsedArticle] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)


class IngestError(Exception):
    """The input as a whole cannot be read; ``str()`` names the file and the place."""

    def __init__(self, message: str, *, name: str = "", location: str = "") -> None:
        self.message = message
        self.name = name
        self.location = location
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [part for part in (self.name, self.location) if part]
        return ": ".join([*parts, self.message])


class RecordError(ValueError):
    """A single record is unusable; parsers turn it into a ``RejectedRecord``."""


def build_article(
    *,
    headline: str,
    body_raw: str,
    location: str,
    source: str = "",
    external_id: str = "",
    url: str = "",
    section: str = "",
    subsection: str = "",
    byline: str = "",
    published_at: dt.datetime | None = None,
    language: str = "ko",
) -> ParsedArticle:
    """Clean and check one record into an article; RecordError names a bad field."""
    headline = " ".join(headline.split())
    if not headline:
        raise RecordError("headline(제목)이 비어 있습니다")
    if not body_raw.strip():
        raise RecordError("body(본문)가 비어 있습니다")
    cleaned = clean_body(body_raw)
    if len(cleaned.body) < MIN_BODY_CHARS:
        raise RecordError(
            "body(본문)에 기사 내용이 없습니다: 정제 후 "
            f"{len(cleaned.body)}자(바이라인·사진 설명·페이지 구성 요소만 있음)"
        )
    url = url.strip()
    values = {
        "headline": _shorten(headline, MAX_LENGTHS["headline"]),
        "source": source.strip(),
        "external_id": external_id.strip(),
        "url": url,
        "section": section.strip(),
        "subsection": subsection.strip(),
        "byline": (byline.strip() or cleaned.byline),
        "language": (language.strip() or "ko"),
    }
    for name, value in values.items():
        if len(value) > MAX_LENGTHS[name]:
            raise RecordError(
                f"{name} 값이 너무 깁니다({len(value)}자, 최대 {MAX_LENGTHS[name]}자)"
            )
    if published_at is not None and published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=SEOUL)
    # The same checks as the admin's (prism.ingest.validation): URL scheme, date
    # range, control characters; one line naming the field, nothing stored.
    problem = record_problem(body_raw=body_raw, published_at=published_at, **values)
    if problem:
        raise RecordError(problem)
    # The raw text still has the Q./A. markers the cleaner turns into lines.
    kind = classify_article(
        values["headline"], body_raw, values["section"], values["subsection"]
    ).kind
    return ParsedArticle(
        body_raw=body_raw,
        body=cleaned.body,
        published_at=published_at,
        location=location,
        kind=kind,
        **values,
    )


def _shorten(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters at a word boundary, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"
