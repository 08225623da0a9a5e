"""Who sees a briefing where: every role × every state × every public surface.

The site, feeds and sitemap show published briefings only, to everybody (editors read
the rest in the admin). The API shows published ones to anonymous clients and
subscribers, and every state to editors and chief editors.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from prism.models import Briefing

pytestmark = pytest.mark.django_db

SITE_ROLES = ("anonymous", "subscriber", "editor", "chief_editor")
STATUSES = list(Briefing.Status.values)
NEWSROOM = {"editor", "chief_editor"}


def _marker(status: str) -> str:
    return f"매트릭스-{status}-제목"


@pytest.fixture
def briefing(request, make_briefing):
    status = request.param
    return make_briefing(
        status=status,
        headline=_marker(status),
        published_at=timezone.now() if status == "published" else None,
    )


@pytest.fixture
def viewer(request, client, make_role_user):
    """A Django test client and an API client signed in as the role (or not)."""
    role = request.param
    api = APIClient()
    if role != "anonymous":
        user = make_role_user(role)
        client.force_login(user)
        api.force_login(user)
    return role, client, api


def _site_shows(client, briefing: Briefing, surface: str) -> bool:
    """Whether the public surface reveals the briefing."""
    marker = briefing.headline
    if surface == "detail_page":
        response = client.get(briefing.get_absolute_url())
        assert response.status_code in (200, 404)
        return response.status_code == 200
    urls = {
        "home": reverse("prism:home"),
        "archive": reverse("prism:briefing_archive"),
        "reader_type_page": briefing.reader_type.get_absolute_url(),
        "rss": reverse("prism:reader_type_rss", kwargs={"slug": "ceo"}),
        "atom": reverse("prism:reader_type_atom", kwargs={"slug": "ceo"}),
        "sitemap": reverse("prism:sitemap"),
    }
    response = client.get(urls[surface])
    assert response.status_code == 200
    content = response.content.decode()
    if surface == "sitemap":
        return briefing.get_absolute_url() in content
    return marker in content


SITE_SURFACES = ["detail_page", "home", "archive", "reader_type_page", "rss", "atom"]


@pytest.mark.parametrize("surface", [*SITE_SURFACES, "sitemap"])
@pytest.mark.parametrize("briefing", STATUSES, indirect=True)
@pytest.mark.parametrize("viewer", SITE_ROLES, indirect=True)
def test_site_feeds_and_sitemap_show_published_only(viewer, briefing, surface):
    _, client, _ = viewer
    expected = briefing.status == Briefing.Status.PUBLISHED
    assert _site_shows(client, briefing, surface) is expected


@pytest.mark.parametrize("briefing", STATUSES, indirect=True)
@pytest.mark.parametrize("viewer", SITE_ROLES, indirect=True)
def test_api_list_and_detail(viewer, briefing):
    role, _, api = viewer
    expected = briefing.status == Briefing.Status.PUBLISHED or role in NEWSROOM
    listed = api.get("/api/briefings/").json()["results"]
    assert (briefing.pk in [entry["id"] for entry in listed]) is expected
    detail = api.get(f"/api/briefings/{briefing.pk}/")
    assert detail.status_code == (200 if expected else 404)
    if not expected:
        # A 404 says nothing about what exists.
        assert briefing.headline not in detail.content.decode()
        assert "status" not in detail.json()


@pytest.mark.parametrize("briefing", STATUSES, indirect=True)
@pytest.mark.parametrize("viewer", SITE_ROLES, indirect=True)
def test_profile_page_shows_published_only(viewer, briefing):
    role, client, _ = viewer
    response = client.get(reverse("prism:profile"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    expected = briefing.status == Briefing.Status.PUBLISHED and role == "subscriber"
    assert (briefing.headline in response.content.decode()) is expected
