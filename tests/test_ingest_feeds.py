"""RSS and Atom feeds."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from prism.ingest import IngestError, parse_path

SEOUL = ZoneInfo("Asia/Seoul")


def test_rss_item_fields_and_cleaned_html_content(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "feed_rss.xml"))
    assert result.format == "rss"
    article = result.articles[0]
    assert article.headline == "수출 7개월 연속 증가…반도체가 견인"
    assert article.url == "https://news.example.com/articles/rss-1"
    assert article.external_id == "rss-1"
    assert article.section == "경제·금융"
    assert article.byline == "오세진 기자"
    assert article.source == "예시경제 - 경제"
    assert article.published_at == dt.datetime(2025, 7, 21, 9, 0, tzinfo=SEOUL)
    # content:encoded wins over the short description, and is cleaned.
    assert article.body.startswith("수출이 7개월 연속 증가했다.")
    assert "석유화학은 부진했다." in article.body
    for dirt in ("<p>", "[예시경제", "저작권자", "무단 전재"):
        assert dirt not in article.body


def test_rss_item_without_title_is_rejected(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "feed_rss.xml"))
    assert [(r.location, "headline" in r.reason) for r in result.rejected] == [
        ("item 2", True)
    ]


def test_atom_entry(ingest_fixtures):
    article = parse_path(str(ingest_fixtures / "feed_atom.xml")).articles[0]
    assert article.headline == "유럽중앙은행, 기준금리 0.25%p 인하"
    assert article.url == "https://news.example.com/articles/atom-1"
    assert article.byline == "유하린 특파원"
    assert article.published_at == dt.datetime(2025, 7, 21, 12, 0, tzinfo=dt.UTC)
    assert article.body.startswith("유럽중앙은행(ECB)이 기준금리를")


def test_feed_with_no_items_is_refused(ingest_fixtures):
    with pytest.raises(IngestError, match="하나도 없습니다"):
        parse_path(str(ingest_fixtures / "feed_empty.xml"))


def test_malformed_feed_is_refused_with_a_line(ingest_fixtures):
    with pytest.raises(IngestError) as caught:
        parse_path(str(ingest_fixtures / "feed_broken.xml"))
    assert "feed_broken.xml: line 2:" in str(caught.value)
    assert "XML" in str(caught.value)


def test_feed_declared_euc_kr(ingest_fixtures):
    article = parse_path(str(ingest_fixtures / "feed_euckr.xml")).articles[0]
    assert article.headline == "카드 승인액 5% 증가"
    assert article.body.startswith("지난달 카드 승인액이")


def test_external_entities_are_never_read(tmp_path):
    from prism.ingest import parse_text

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-TOKEN-1234", encoding="utf-8")
    feed = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        "<rss version='2.0'><channel><title>t</title><item><title>제목</title>"
        "<description>본문 앞부분이다. 충분히 길게 적는다. [&xxe;] 뒷부분이다."
        "</description></item></channel></rss>"
    )
    try:
        result = parse_text(feed, fmt="rss")
    except IngestError:
        return  # refusing the feed is as safe as ignoring the entity
    assert all("SECRET" not in a.body for a in result.articles)
