"""Checks every article record passes, whether it comes from a file, the API or the
admin: http(s) URLs only, plausible publication times, no control characters.

Plain Python (no Django imports): ``prism.models`` validates admin edits with the
very same functions, so the importer and the admin can never disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")

# Publication times outside this range are typos or placeholders (0001-01-01,
# 9999-12-31) that overflow date arithmetic further on.
EARLIEST_PUBLISHED_AT = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
LATEST_PUBLISHED_AHEAD = dt.timedelta(days=366)

# NUL cannot be stored in PostgreSQL text at all; the other C0/C1 controls (line
# breaks included) have no place in one-line fields such as a section or a name.
NUL = "\x00"
LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
ONE_LINE_FIELDS = (
    "headline",
    "source",
    "external_id",
    "url",
    "section",
    "subsection",
    "byline",
    "language",
)


def http_url_problem(url: str) -> str | None:
    """Why ``url`` is not an article address (None for "" or an http(s) URL)."""
    if url and not url.strip().lower().startswith(("http://", "https://")):
        return f"url 값 {url[:80]!r}은(는) http(s) 주소가 아닙니다"
    return None


def published_at_range(now: dt.datetime | None = None) -> tuple[dt.datetime, ...]:
    """The earliest and the latest publication time accepted now."""
    now = now or dt.datetime.now(dt.UTC)
    return EARLIEST_PUBLISHED_AT, now + LATEST_PUBLISHED_AHEAD


def published_at_problem(
    value: dt.datetime, *, now: dt.datetime | None = None
) -> str | None:
    """Why ``value`` is no plausible publication time (None when it is one)."""
    earliest, latest = published_at_range(now)
    try:
        aware = value if value.tzinfo else value.replace(tzinfo=SEOUL)
        plausible = earliest <= aware.astimezone(dt.UTC) <= latest
    except (OverflowError, ValueError):  # 0001-01-01+09:00 has no UTC time
        plausible = False
    if plausible:
        return None
    return (
        f"published_at {value.isoformat()}은(는) 허용 범위 밖입니다 "
        f"({earliest:%Y-%m-%d} ~ {latest:%Y-%m-%d})"
    )


def control_character_problem(name: str, value: str, *, one_line: bool) -> str | None:
    """Why field ``name`` cannot hold ``value``: NUL anywhere, line controls in
    one-line fields (None when it can)."""
    if NUL in value:
        return f"{name} 값에 NUL 문자(\\u0000)가 있습니다"
    found = LINE_CONTROLS.search(value) if one_line else None
    if found:
        return f"{name} 값에 제어 문자(U+{ord(found.group()):04X})가 있습니다"
    return None


def record_problem(
    *, body_raw: str, published_at: dt.datetime | None, **fields: str
) -> str | None:
    """The first reason a cleaned record cannot be stored, or None."""
    problem = control_character_problem("body", body_raw, one_line=False)
    for name in ONE_LINE_FIELDS:
        if problem is None and name in fields:
            problem = control_character_problem(name, fields[name], one_line=True)
    if problem is None and "url" in fields:
        problem = http_url_problem(fields["url"])
    if problem is None and published_at is not None:
        problem = published_at_problem(published_at)
    return problem
