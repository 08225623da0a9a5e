"""Signed-in readers' pages, cached per reader: the fast path of the briefing page
and the profile for people with a session.

A reader's page is the shared page plus their name, their choices and a CSRF
token, so it is cached under the reader's identity: their user id, the
session's authentication hash and their CSRF cookie (the token in a cached page
stays valid for that cookie). Keys also carry the page's stamps, read from the
database on every request like the anonymous pages' (``prism.page_cache``): an
edit, a publication, a withdrawal or a change of the reader's choices shows on
the very next request.

Identity is checked without loading the user through the ORM: the session's
user id, backend and hash against the user row's password hash and active flag,
as ``django.contrib.auth.get_user`` checks them. Anything else (another backend,
messages waiting, no CSRF cookie yet) is simply not cached: the page is built
the ordinary way.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare, salted_hmac

from prism.models import Subscriber
from prism.page_cache import PAGE_CACHE_SECONDS, PreparedRead, as_datetime

READER_CACHE_PREFIX = "prism:reader-page:v1"
# Sessions made by ModelBackend are the ones whose check is replicated here.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
_MESSAGES_SESSION_KEY = "_messages"


@dataclass(frozen=True)
class Reader:
    """A signed-in person as far as caching their pages goes."""

    user_id: int
    session_hash: str
    csrf_secret: str


def _active_user_password():
    return PreparedRead(
        lambda pk: (
            get_user_model()
            .objects.filter(pk=pk)
            .filter(is_active=True)
            .values_list("password")[:1]
        ),
        pk=-987_654_321,
    )


_USER_PASSWORD: PreparedRead | None = None


def _password_of(user_id: int) -> str | None:
    global _USER_PASSWORD
    if _USER_PASSWORD is None:
        _USER_PASSWORD = _active_user_password()
    rows = _USER_PASSWORD.rows(pk=user_id)
    return rows[0][0] if rows else None


_SUBSCRIPTION = PreparedRead(
    lambda user_id: (
        Subscriber.objects.filter(user_id=user_id)
        .order_by("reader_types")
        .values_list("email_digest", "reader_types")
    ),
    user_id=-987_654_322,
)


def subscription_stamp(user_id: int) -> str:
    """Changes whenever the person's reader types or digest choice change."""
    return repr(_SUBSCRIPTION.rows(user_id=user_id))


DB_SESSIONS = "django.contrib.sessions.backends.db"
_SESSION_ROW = PreparedRead(
    lambda session_key: Session.objects.filter(session_key=session_key).values_list(
        "session_data", "expire_date"
    )[:1],
    session_key="prism-placeholder-session-key",
)


def _session(request: HttpRequest) -> dict:
    """The request's session data. With database sessions it is read by one
    prepared query rather than through the ORM, leaving ``request.session``
    unloaded (the session backend's own check: key and expiry date)."""
    if settings.SESSION_ENGINE != DB_SESSIONS:
        return request.session
    key = request.COOKIES[settings.SESSION_COOKIE_NAME]
    rows = _SESSION_ROW.rows(session_key=key)
    if not rows or as_datetime(rows[0][1]) <= timezone.now():
        return {}
    return _decoded(rows[0][0])


@functools.lru_cache(maxsize=4096)
def _decoded(session_data: str) -> dict:
    """A session row's data (signed JSON): the same text always decodes the same,
    so each one is verified and parsed once. Callers only read it."""
    return SessionStore().decode(session_data)


def signed_in_reader(request: HttpRequest) -> Reader | None:
    """Who is signed in, when their page may come from the reader cache."""
    cookies = request.COOKIES
    csrf_secret = cookies.get(settings.CSRF_COOKIE_NAME, "")
    if (
        settings.SESSION_COOKIE_NAME not in cookies
        or "messages" in cookies
        or settings.CSRF_USE_SESSIONS
        or len(csrf_secret) != 32
        or not csrf_secret.isalnum()
    ):
        return None
    session = _session(request)
    if session.get(BACKEND_SESSION_KEY) != MODEL_BACKEND or session.get(
        _MESSAGES_SESSION_KEY
    ):
        return None
    stored_hash = session.get(HASH_SESSION_KEY) or ""
    try:
        user_id = int(session.get(SESSION_KEY))
    except (TypeError, ValueError):
        return None
    password = _password_of(user_id)
    if password is None or not stored_hash:
        return None
    expected = salted_hmac(_HASH_SALT, password, algorithm="sha256").hexdigest()
    if not constant_time_compare(stored_hash, expected):
        return None
    return Reader(user_id=user_id, session_hash=stored_hash, csrf_secret=csrf_secret)


def cached_reader_page(
    request: HttpRequest,
    reader: Reader | None,
    key: str,
    build: Callable[[], HttpResponse],
) -> HttpResponse:
    """``reader``'s copy of the page ``key`` (stamps included), else built now."""
    if reader is None:
        return build()
    basis = (
        f"{key}:{request.get_host()}:{reader.user_id}:{reader.session_hash}:"
        f"{reader.csrf_secret}"
    )
    cache_key = f"{READER_CACHE_PREFIX}:{hashlib.sha256(basis.encode()).hexdigest()}"
    content = cache.get(cache_key)
    if content is not None:
        response = HttpResponse(content)
        # What the session middleware adds when a page reads the session.
        patch_vary_headers(response, ("Cookie",))
        return response
    response = build()
    # Stored only if built for this very person, with a token for their cookie
    # (a new CSRF secret would make the cached token useless), setting no cookie.
    built_for = getattr(request.user, "pk", None)
    same_secret = request.META.get("CSRF_COOKIE") == reader.csrf_secret
    if (
        response.status_code == 200
        and built_for == reader.user_id
        and same_secret
        and not response.cookies
    ):
        cache.set(cache_key, response.content, PAGE_CACHE_SECONDS)
    return response
