"""Signed-in readers' cached pages and the shared API list: fast, yet never stale
and never anybody else's (issue 13, signed-in speed)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from prism.models import Briefing, ReaderType
from prism.services.subscribers import subscriber_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(make_briefing):
    return make_briefing(status=Briefing.Status.PUBLISHED, published_at=timezone.now())


def _reader(client, make_role_user, **fields):
    user = make_role_user("subscriber", **fields)
    client.force_login(user)
    client.get(reverse("prism:profile"))  # the browser gets its CSRF cookie
    return user


def test_a_readers_briefing_page_is_cached_but_shows_an_edit_at_once(
    client, make_role_user, published
):
    _reader(client, make_role_user)
    url = published.get_absolute_url()
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second.content == first.content
    assert len(queries) == 3  # stamp, session, user row: nothing rendered again
    assert "private" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]
    published.headline = "고친 제목"
    published.version += 1
    published.save()
    assert "고친 제목" in client.get(url).content.decode()


def test_readers_never_get_each_others_pages(client, make_role_user, published):
    _reader(client, make_role_user, username="first@example.com")
    client.get(published.get_absolute_url())
    other = type(client)()
    _reader(other, make_role_user, username="second@example.com")
    page = other.get(reverse("prism:profile")).content.decode()
    assert "second@example.com" in page and "first@example.com" not in page


def test_a_changed_password_is_never_served_a_cached_page(
    client, make_role_user, published
):
    user = _reader(client, make_role_user)
    client.get(published.get_absolute_url())
    user.set_password("a-new-password-2026")
    user.save()
    page = client.get(reverse("prism:profile"))
    assert page.status_code == 302  # signed out, as Django does
    assert "로그아웃" not in client.get(published.get_absolute_url()).content.decode()


def test_the_profile_follows_the_readers_choices_at_once(
    client, make_role_user, published
):
    user = _reader(client, make_role_user)
    assert "아직 발행된" not in client.get(reverse("prism:profile")).content.decode()
    startup = ReaderType.objects.get(slug="startup-founder")
    subscriber_update(user=user, reader_types=[startup])
    page = client.get(reverse("prism:profile")).content.decode()
    assert "아직 발행된 스타트업 창업자 브리핑이 없습니다." in page


def test_messages_are_shown_not_skipped_by_the_cache(client, make_role_user):
    _reader(client, make_role_user)
    client.get(reverse("prism:profile"))
    response = client.post(
        reverse("prism:profile"), {"email_digest": "on"}, follow=True
    )
    assert "설정을 저장했습니다" in response.content.decode()


def test_the_api_list_is_shared_but_never_stale(make_briefing, published):
    api = APIClient()
    first = api.get("/api/briefings/").json()
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/briefings/").json() == first
    assert len(queries) == 1  # the published stamp
    make_briefing(
        status=Briefing.Status.PUBLISHED,
        reader_type=ReaderType.objects.get(slug="startup-founder"),
        published_at=timezone.now(),
    )
    assert api.get("/api/briefings/").json()["count"] == first["count"] + 1


def test_the_newsroom_api_list_is_never_shared(make_briefing, make_role_user):
    make_briefing(status=Briefing.Status.DRAFT)
    api = APIClient()
    assert api.get("/api/briefings/").json()["count"] == 0
    api.force_authenticate(make_role_user("editor"))
    assert api.get("/api/briefings/").json()["count"] == 1
