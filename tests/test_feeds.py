"""RSS and Atom feeds per reader type: published briefings only, whole and escaped."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from prism.models import Briefing, ReaderType

pytestmark = pytest.mark.django_db

FEEDS = ["prism:reader_type_rss", "prism:reader_type_atom"]


def _feed(client, name: str, slug: str = "ceo"):
    response = client.get(reverse(name, kwargs={"slug": slug}))
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize("name", FEEDS)
def test_feed_lists_published_briefings_newest_first(client, make_briefing, name):
    today = timezone.localdate()
    older = make_briefing(
        status=Briefing.Status.PUBLISHED,
        edition_date=today - dt.timedelta(days=1),
        published_at=timezone.now() - dt.timedelta(days=1),
        headline="어제 브리핑",
    )
    newer = make_briefing(
        status=Briefing.Status.PUBLISHED,
        edition_date=today,
        published_at=timezone.now(),
        headline="오늘 브리핑",
    )
    hidden = ("draft", "in_review", "approved", "scheduled", "unpublished")
    for offset, status in enumerate(hidden, start=1):
        make_briefing(
            status=status,
            edition_date=today + dt.timedelta(days=offset),
            headline=f"{status} 비공개",
        )
    startup = ReaderType.objects.get(slug="startup-founder")
    make_briefing(
        status=Briefing.Status.PUBLISHED, reader_type=startup, headline="다른 독자"
    )
    response, parsed = _feed(client, name)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "AI 프리즘 CEO 맞춤형 경제 브리핑"
    titles = [entry.title for entry in parsed.entries]
    assert titles == [
        f"{newer.edition_date:%Y.%m.%d} CEO 브리핑: 오늘 브리핑",
        f"{older.edition_date:%Y.%m.%d} CEO 브리핑: 어제 브리핑",
    ]
    assert parsed.entries[0].link == f"http://testserver{newer.get_absolute_url()}"
    assert "비공개" not in response.content.decode()


@pytest.mark.parametrize("name", FEEDS)
def test_feed_entries_carry_the_whole_briefing_with_footer(client, make_briefing, name):
    make_briefing(status=Briefing.Status.PUBLISHED, published_at=timezone.now())
    _, parsed = _feed(client, name)
    [entry] = parsed.entries
    content = entry.get("summary") or entry.get("description")
    assert "- 핵심 요약:" in content
    assert "[키워드 TOP 5]" in content
    assert "저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지" in content
    assert [tag.term for tag in entry.tags][:2] == ["AI 반도체", "금리"]


def test_feed_text_is_escaped(client, make_briefing):
    make_briefing(
        status=Briefing.Status.PUBLISHED,
        headline="<script>alert(1)</script>",
        lead="<img src=x onerror=alert(1)> 리드",
    )
    response = client.get(reverse("prism:reader_type_rss", kwargs={"slug": "ceo"}))
    root = ET.fromstring(response.content)  # noqa: S314  (our own response)
    item = root.find("channel/item")
    # After XML parsing the text is still HTML-escaped: readers show it, not run it.
    assert "<script>" not in item.findtext("title")
    assert "&lt;script&gt;" in item.findtext("title")
    assert "<img src=x" not in item.findtext("description")
    assert "&lt;img src=x onerror=alert(1)&gt;" in item.findtext("description")


def test_feed_of_unknown_or_inactive_reader_type_is_404(client):
    ReaderType.objects.filter(slug="retiree").update(is_active=False)
    for name in FEEDS:
        for slug in ("retiree", "nobody"):
            response = client.get(reverse(name, kwargs={"slug": slug}))
            assert response.status_code == 404


def test_feed_query_count_does_not_grow_with_entries(client, make_briefing):
    today = timezone.localdate()
    make_briefing(status=Briefing.Status.PUBLISHED, edition_date=today)
    url = reverse("prism:reader_type_atom", kwargs={"slug": "ceo"})
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for days in range(1, 8):
        make_briefing(
            status=Briefing.Status.PUBLISHED,
            edition_date=today - dt.timedelta(days=days),
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(feedparser.parse(response.content).entries) == 8
    assert len(few) == len(many)


def test_reader_type_page_links_its_feeds(client):
    html = client.get("/reader-types/ceo/").content.decode()
    assert 'href="/reader-types/ceo/feed/"' in html
    assert 'href="/reader-types/ceo/atom/"' in html
