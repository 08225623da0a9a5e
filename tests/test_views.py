"""Public pages: content in Korean, the briefing's parts, escaping, caching, queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from prism.conf import prism_settings
from prism.models import Briefing, BriefingItem, ReaderType

PUBLISHED = Briefing.Status.PUBLISHED
pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def strict_templates(settings):
    """Make a missing template variable visible in the output."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "string_if_invalid": "TEMPLATE-ERROR(%s)",
            },
        }
    ]


def _published(make_briefing, **fields) -> Briefing:
    fields.setdefault("published_at", timezone.now())
    return make_briefing(status=PUBLISHED, **fields)


def test_home_shows_todays_published_cards_only(
    client, make_briefing, strict_templates
):
    published = _published(make_briefing, headline="금리 동결의 의미")
    startup = ReaderType.objects.get(slug="startup-founder")
    make_briefing(reader_type=startup, headline="초안은 안 보인다")
    response = client.get(reverse("prism:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "맞춤형 경제 브리핑" in html and "오늘의 브리핑" in html
    assert "금리 동결의 의미" in html
    assert published.get_absolute_url() in html
    assert "초안은 안 보인다" not in html
    assert "TEMPLATE-ERROR" not in html


def test_home_falls_back_to_the_latest_edition(client, make_briefing):
    earlier = timezone.localdate() - dt.timedelta(days=3)
    _published(make_briefing, edition_date=earlier, headline="사흘 전 브리핑")
    html = client.get(reverse("prism:home")).content.decode()
    assert "최근 브리핑" in html and "사흘 전 브리핑" in html


def test_detail_page_has_every_part_of_the_briefing(
    client, make_briefing, strict_templates
):
    briefing = _published(
        make_briefing, correction_note="3번 기사의 수치를 바로잡았습니다."
    )
    first = briefing.items.get(rank=1).article
    first.url = "https://www.sedaily.com/article/1"
    first.save()
    response = client.get(briefing.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert prism_settings.HEADER_LINE in html
    assert "편집자 주" in html  # the AI disclosure
    assert "편집자가 검토해 발행했습니다" in html
    assert "[CEO 관심 뉴스]" in html and "[CEO 참고 뉴스]" in html
    assert "[키워드 TOP 5]" in html
    assert "AI 반도체, 금리, 수출, 투자, 배터리, AI PRISM, AI 프리즘" in html
    assert "■ 주제 1" in html and "- 핵심 요약:" in html
    assert 'href="https://www.sedaily.com/article/1"' in html
    assert "3번 기사의 수치를 바로잡았습니다." in html
    assert "&lt; 저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 &gt;" in html
    # The copyright footer closes the briefing.
    assert html.index("저작권자 ⓒ") > html.index("[키워드 TOP 5]")
    assert "TEMPLATE-ERROR" not in html


def test_detail_page_has_canonical_url_and_opengraph(client, make_briefing):
    briefing = _published(make_briefing, headline="반도체 수출 회복")
    html = client.get(briefing.get_absolute_url()).content.decode()
    canonical = f"http://testserver{briefing.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert re.search(r'og:title" content="[^"]*반도체 수출 회복', html)
    assert 'og:description" content="첫 번째 리드 문단이다.' in html
    assert "application/rss+xml" in html and "application/atom+xml" in html


def test_text_from_articles_editors_and_the_model_is_escaped(client, make_briefing):
    briefing = _published(
        make_briefing,
        headline=XSS,
        lead=f"리드 {XSS}",
        editors_note=XSS,
        keywords=[XSS, "금리", "수출", "투자", "배터리"],
        correction_note=XSS,
    )
    item = briefing.items.get(rank=1)
    item.headline = f"기사 {XSS}"
    item.summary = f"요약 {XSS}"
    item.save()
    item.article.url = "javascript:alert(1)"
    item.article.source = XSS
    item.article.save()
    section = briefing.sections.first()
    section.heading = XSS
    section.save()
    pages = [
        briefing.get_absolute_url(),
        reverse("prism:home"),
        reverse("prism:briefing_archive"),
        briefing.reader_type.get_absolute_url(),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert 'href="javascript:' not in html, url
    detail = client.get(briefing.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in detail


def test_unknown_or_malformed_briefing_urls_answer_404(client, make_briefing):
    briefing = _published(make_briefing)
    date = briefing.edition_date.isoformat()
    assert client.get(f"/briefings/{date}/no-such-type/").status_code == 404
    assert client.get("/briefings/2025-13-45/ceo/").status_code == 404
    assert client.get("/briefings/yesterday/ceo/").status_code == 404


def test_detail_page_supports_conditional_get(client, make_briefing):
    briefing = _published(make_briefing)
    url = briefing.get_absolute_url()
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    assert first["Last-Modified"] == http_date(int(briefing.updated_at.timestamp()))
    assert "no-cache" in first["Cache-Control"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304
    # An edit (a new version) changes the validator: the page is sent again.
    Briefing.objects.filter(pk=briefing.pk).update(
        version=briefing.version + 1,
        updated_at=briefing.updated_at + dt.timedelta(seconds=5),
    )
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_etag_differs_for_signed_in_readers(client, make_briefing, make_role_user):
    briefing = _published(make_briefing)
    anonymous_etag = client.get(briefing.get_absolute_url())["ETag"]
    client.force_login(make_role_user("subscriber"))
    response = client.get(
        briefing.get_absolute_url(), headers={"if-none-match": anonymous_etag}
    )
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def _grow(briefing: Briefing, make_article, extra_items: int) -> None:
    """Add items and related articles, as a bigger briefing would have."""
    for offset in range(extra_items):
        article = make_article()
        item = BriefingItem.objects.create(
            briefing=briefing,
            rank=7 + offset,
            group="reference",
            article=article,
            headline=article.headline,
            summary="추가 요약이다.",
        )
        item.related_articles.set([make_article(), make_article()])


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_detail_page_query_count_does_not_grow_with_items(
    client, make_briefing, make_article
):
    small = _published(make_briefing)
    large = _published(
        make_briefing, edition_date=small.edition_date - dt.timedelta(days=1)
    )
    _grow(large, make_article, extra_items=12)
    small_count = _count_queries(client, small.get_absolute_url())
    large_count = _count_queries(client, large.get_absolute_url())
    assert small_count == large_count
    # Stamp, briefing row, then the body: briefing, sections, items, related.
    assert large_count <= 6


def test_signed_in_readers_share_the_rendered_body_of_a_version(
    client, make_briefing, make_article, make_role_user
):
    briefing = _published(make_briefing)
    _grow(briefing, make_article, extra_items=3)
    url = briefing.get_absolute_url()
    pages = []
    for _ in range(2):
        client.force_login(make_role_user("subscriber"))
        with CaptureQueriesContext(connection) as queries:
            pages.append(client.get(url).content.decode())
        item_queries = [q for q in queries if 'FROM "prism_briefingitem"' in q["sql"]]
        pages.append(len(item_queries))
    first, first_item_queries, second, second_item_queries = pages
    assert first_item_queries == 1 and second_item_queries == 0  # body from cache
    body = re.search(r'<article class="briefing".*?</article>', first, re.S)
    assert body and body.group(0) in second
    assert "추가 요약이다." in second

    # An edit makes a new version: nobody gets the old body again.
    Briefing.objects.filter(pk=briefing.pk).update(
        lead="고친 리드 문단이다.",
        version=briefing.version + 1,
        updated_at=briefing.updated_at + dt.timedelta(seconds=5),
    )
    client.force_login(make_role_user("subscriber"))
    assert "고친 리드 문단이다." in client.get(url).content.decode()


def test_archive_query_count_does_not_grow_with_editions(client, make_briefing):
    today = timezone.localdate()
    for days in range(2):
        _published(make_briefing, edition_date=today - dt.timedelta(days=days))
    few = _count_queries(client, reverse("prism:briefing_archive"))
    startup = ReaderType.objects.get(slug="startup-founder")
    for days in range(2, 45):
        for reader_type in (None, startup):
            fields = {"edition_date": today - dt.timedelta(days=days)}
            if reader_type:
                fields["reader_type"] = reader_type
            _published(make_briefing, **fields)
    many = _count_queries(client, reverse("prism:briefing_archive"))
    second_page = _count_queries(client, reverse("prism:briefing_archive") + "?page=2")
    assert few == many == second_page


def test_archive_is_paginated_and_filtered(client, make_briefing):
    today = timezone.localdate()
    startup = ReaderType.objects.get(slug="startup-founder")
    for days in range(35):
        _published(make_briefing, edition_date=today - dt.timedelta(days=days))
    _published(make_briefing, reader_type=startup, headline="창업자용 브리핑")
    make_briefing(
        status=Briefing.Status.IN_REVIEW,
        reader_type=startup,
        edition_date=today - dt.timedelta(days=1),
        headline="검토 중 브리핑",
    )
    url = reverse("prism:briefing_archive")
    first = client.get(url)
    assert first.context["page_obj"].paginator.count == 36
    assert len(first.context["page_obj"].object_list) == 30
    assert "다음 ›" in first.content.decode()
    assert "검토 중 브리핑" not in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["page_obj"].object_list) == 6
    by_type = client.get(url, {"reader_type": "startup-founder"})
    assert [b.headline for b in by_type.context["page_obj"]] == ["창업자용 브리핑"]
    window = client.get(
        url,
        {
            "date_from": (today - dt.timedelta(days=4)).isoformat(),
            "date_to": (today - dt.timedelta(days=2)).isoformat(),
        },
    )
    assert window.context["page_obj"].paginator.count == 3
    # A filter that cannot be read is reported and ignored, not a server error.
    broken = client.get(url, {"date_from": "어제", "reader_type": "ceo"})
    assert broken.status_code == 200
    assert broken.context["page_obj"].paginator.count == 35
    assert "errorlist" in broken.content.decode()


def test_reader_type_profile_page(client, make_briefing, strict_templates):
    today = timezone.localdate()
    _published(make_briefing, edition_date=today - dt.timedelta(days=1))
    _published(make_briefing, edition_date=today, headline="가장 최근 호")
    make_briefing(
        status=Briefing.Status.APPROVED,
        edition_date=today + dt.timedelta(days=1),
        headline="승인만 된 호",
    )
    reader_type = ReaderType.objects.get(slug="ceo")
    response = client.get(reader_type.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="page-title">CEO</h1>' in html
    assert "관심 분야" in html
    for interest in list(reader_type.interests)[:3]:
        assert interest in html
    assert response.context["latest"].headline == "가장 최근 호"
    assert response.context["page_obj"].paginator.count == 2
    assert "승인만 된 호" not in html
    assert reverse("prism:reader_type_rss", kwargs={"slug": "ceo"}) in html
    assert "TEMPLATE-ERROR" not in html


def test_inactive_or_unknown_reader_types_answer_404(client):
    ReaderType.objects.filter(slug="retiree").update(is_active=False)
    assert client.get("/reader-types/retiree/").status_code == 404
    assert client.get("/reader-types/nobody/").status_code == 404


def test_sitemap_lists_published_briefings_only(client, make_briefing):
    published = _published(make_briefing)
    draft = make_briefing(edition_date=published.edition_date - dt.timedelta(days=1))
    xml = client.get("/sitemap.xml").content.decode()
    assert f"http://testserver{published.get_absolute_url()}" in xml
    assert draft.get_absolute_url() not in xml
    assert "http://testserver/reader-types/ceo/" in xml
    assert "<lastmod>" in xml


def test_pages_are_mobile_ready_and_styled(client, make_briefing):
    briefing = _published(make_briefing)
    html = client.get(briefing.get_absolute_url()).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "prism/prism.css" in html
    assert '<html lang="ko">' in html


def test_anonymous_pages_are_served_from_cache_but_never_stale(
    client, make_briefing, make_role_user
):
    briefing = _published(make_briefing, headline="처음 제목")
    url = briefing.get_absolute_url()
    assert _count_queries(client, url) == 6  # the page is built once...
    assert _count_queries(client, url) == 1  # ...then one query checks it is live
    # An edit (a new version) is shown at once.
    Briefing.objects.filter(pk=briefing.pk).update(
        headline="고친 제목",
        version=briefing.version + 1,
        updated_at=timezone.now() + dt.timedelta(seconds=1),
    )
    assert "고친 제목" in client.get(url).content.decode()
    archive = client.get(reverse("prism:briefing_archive")).content.decode()
    assert "고친 제목" in archive
    # Withdrawn: gone from every page at once, though the pages were cached.
    Briefing.objects.filter(pk=briefing.pk).update(
        status=Briefing.Status.UNPUBLISHED,
        updated_at=timezone.now() + dt.timedelta(seconds=2),
    )
    assert client.get(url).status_code == 404
    for page in (reverse("prism:home"), reverse("prism:briefing_archive")):
        assert "고친 제목" not in client.get(page).content.decode()


def test_signed_in_readers_never_get_the_shared_page(
    client, make_briefing, make_role_user
):
    briefing = _published(make_briefing)
    anonymous = client.get(briefing.get_absolute_url()).content.decode()
    assert "로그아웃" not in anonymous
    client.force_login(make_role_user("subscriber"))
    signed_in = client.get(briefing.get_absolute_url()).content.decode()
    assert "로그아웃" in signed_in and "내 프로필" in signed_in
    client.logout()
    assert _count_queries(client, briefing.get_absolute_url()) == 1  # shared page
    # A visitor with a pending message gets a page built for them (with it).
    # Stamp and briefing row; the body's HTML comes from the fragment cache.
    client.cookies["messages"] = "x"
    assert _count_queries(client, briefing.get_absolute_url()) == 2


def test_the_site_speaks_korean_whatever_the_browser_asks(client, make_briefing):
    briefing = _published(make_briefing)
    headers = {"accept-language": "en-US,en;q=0.9"}
    html = client.get(
        reverse("prism:briefing_archive"), {"date_from": "nope"}, headers=headers
    ).content.decode()
    weekday = "월화수목금토일"[briefing.edition_date.weekday()]
    assert f"({weekday}요일)" in html
    assert "올바른 날짜를 입력하세요." in html
    assert "Enter a valid date" not in html


def test_stamps_follow_every_change_that_shows_on_public_pages(make_briefing):
    from prism.page_cache import briefing_stamp, published_stamp

    assert published_stamp() == "0:-"
    briefing = _published(make_briefing)
    stamp = briefing_stamp(briefing.edition_date, "ceo")
    assert stamp == {
        "pk": briefing.pk,
        "version": briefing.version,
        "updated_at": briefing.updated_at,
    }
    assert briefing_stamp(briefing.edition_date, "startup-founder") is None
    before = published_stamp()
    Briefing.objects.filter(pk=briefing.pk).update(
        updated_at=timezone.now() + dt.timedelta(seconds=1)
    )
    edited = published_stamp()
    assert edited != before
    Briefing.objects.filter(pk=briefing.pk).update(status=Briefing.Status.UNPUBLISHED)
    assert published_stamp() == "0:-"
    assert briefing_stamp(briefing.edition_date, "ceo") is None


def test_prepared_reads_refuse_ambiguous_placeholders(db):
    from prism.page_cache import PreparedRead

    read = PreparedRead(
        lambda slug: ReaderType.objects.filter(slug=slug, name=slug), slug="x"
    )
    with pytest.raises(ValueError, match="slug"):
        read.rows(slug="ceo")


def test_the_page_cache_holds_a_whole_archive():
    # Django's LocMem default of 300 entries evicts on every miss once a site has
    # more pages than that: a year of editions for a few reader types.
    from django.core.cache import cache

    cache.clear()
    keys = [f"prism-test-capacity-{n}" for n in range(2000)]
    for key in keys:
        cache.set(key, "rendered page", 60)
    assert all(cache.get(key) is not None for key in keys)
    cache.clear()
