"""The public pages' fast path: a shared cache of rendered pages for anonymous
visitors, keyed by stamps that are read from the database on every request.

A stamp is what a page depends on (a briefing's id, version and update time; or the
count and latest update of all published briefings), so an edit, a publication or a
withdrawal is visible on the very next request: nothing is served stale from the
cache, only re-rendering is saved. The stamp queries are built from
``Briefing.objects.published()`` like every public read, but compiled to SQL once per
thread: on a cached page Django's query compiler would otherwise cost more than the
query and the whole rest of the request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from prism.conf import prism_settings
from prism.models import Briefing

# Rendered pages are shared for this long at most. Keys carry the stamps, so the
# timeout only bounds changes made elsewhere (a reader type renamed in the admin).
PAGE_CACHE_SECONDS = 60
PAGE_CACHE_PREFIX = "prism:page:v1"


class PreparedRead:
    """A read built with QuerySet methods, compiled once per thread, run with values.

    ``build(**values)`` returns the QuerySet; it is compiled with the placeholder
    ``values`` given here, which must each appear exactly once among the SQL
    parameters, and every call swaps in the real values at those positions.
    """

    def __init__(self, build: Callable[..., QuerySet], **placeholders: Any) -> None:
        self.build = build
        self.placeholders = placeholders
        self.local = threading.local()

    def rows(self, **values: Any) -> list[tuple]:
        sql, params, slots = self._statement()
        params = list(params)
        for name, index in slots.items():
            # Backends that take dates as text (SQLite) got text at compile time.
            value = values[name]
            params[index] = str(value) if isinstance(params[index], str) else value
        alias = router.db_for_read(Briefing)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _statement(self) -> tuple[str, tuple, dict[str, int]]:
        statement = getattr(self.local, "statement", None)
        if statement is None:
            queryset = self.build(**self.placeholders)
            sql, params = queryset.query.sql_with_params()
            slots = {}
            for name, placeholder in self.placeholders.items():
                found = [i for i, p in enumerate(params) if str(p) == str(placeholder)]
                if len(found) != 1:
                    raise ValueError(f"placeholder {name!r} is not one SQL parameter")
                slots[name] = found[0]
            statement = self.local.statement = (sql, tuple(params), slots)
        return statement


def as_datetime(value: Any) -> dt.datetime:
    """A raw DATETIME column value as an aware datetime (SQLite returns text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


_DETAIL_STAMP = PreparedRead(
    lambda edition_date, slug: (
        Briefing.objects.published()
        .filter(edition_date=edition_date, reader_type__slug=slug)
        .order_by()
        .values_list("pk", "version", "updated_at")[:1]
    ),
    edition_date=dt.date(1111, 11, 11),
    slug="prism-placeholder-slug",
)

_PUBLISHED_STAMP = PreparedRead(
    lambda: (
        Briefing.objects.published()
        .order_by()
        .values("status")
        .annotate(count=Count("pk"), latest=Max("updated_at"))
        .values_list("count", "latest")
    )
)


def briefing_stamp(edition_date: dt.date, slug: str) -> dict | None:
    """The published briefing's id, version and update time (None if not public)."""
    rows = _DETAIL_STAMP.rows(edition_date=edition_date, slug=slug)
    if not rows:
        return None
    pk, version, updated_at = rows[0]
    return {"pk": pk, "version": version, "updated_at": as_datetime(updated_at)}


def published_stamp() -> str:
    """Changes whenever a briefing is published, withdrawn or edited while live."""
    rows = _PUBLISHED_STAMP.rows()
    if not rows:
        return "0:-"
    count, latest = rows[0]
    return f"{count}:{latest}"


def is_shared_view(request: HttpRequest) -> bool:
    """Visitors without a session or messages all see the very same page."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def cached_page(
    request: HttpRequest, key: str, build: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page from the shared cache for anonymous visitors, else freshly built."""
    if not is_shared_view(request):
        return build()
    # Pages carry absolute URLs (canonical, Open Graph) built from the request's
    # host: one visitor's Host header must never plant them for everybody.
    basis = f"{key}:{request.get_host()}:{prism_settings.PUBLISHER}"
    digest = hashlib.sha256(basis.encode()).hexdigest()
    cache_key = f"{PAGE_CACHE_PREFIX}:{digest}"
    content = cache.get(cache_key)
    if content is not None:
        return HttpResponse(content)
    response = build()
    # A page that used a CSRF token or set a cookie belongs to one visitor only.
    personal = response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    if response.status_code == 200 and not personal:
        cache.set(cache_key, response.content, PAGE_CACHE_SECONDS)
    return response
