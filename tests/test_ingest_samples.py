"""The real newsroom samples in ../shared/samples parse as the product expects."""

from __future__ import annotations

from prism.ingest import parse_path
from tests.helpers.samples import sample_path

FURNITURE = (
    "이시간 주요 뉴스",
    "영상 뉴스",
    "서경스페셜",
    "주소 :",
    "대표전화",
    "등록번호",
    "사업자번호",
    "청소년보호책임자",
    "Copyright",
    "All right reserved",
    "무단 전재",
    "저작권법",
    "Skip to main content",
)


def parse_sample(name: str):
    return parse_path(str(sample_path(name)))


def test_sedaily_articles():
    result = parse_sample("sedaily_articles.txt")
    assert result.format == "sedaily"
    assert len(result.articles) == 15
    assert result.rejected == []
    for article in result.articles:
        assert article.headline and article.section and article.subsection
        assert article.published_at is not None
        assert len(article.body) > 500
        for furniture in FURNITURE:
            assert furniture not in article.body, (article.location, furniture)
    first = result.articles[0]
    assert first.headline == "오픈AI, 코딩·가성비 중점 둔 GPT-4.1로 구글·앤스로픽 견제"
    assert (first.section, first.subsection) == ("산업", "IT")
    assert first.published_at.isoformat() == "2025-04-15T09:51:26+09:00"


def test_edaily_search_results():
    result = parse_sample("edaily_search_results.txt")
    assert result.format == "edaily"
    assert len(result.articles) == 7
    assert result.rejected == []
    for article in result.articles:
        assert article.byline.endswith("기자")
        assert not article.body.startswith("[")
        assert "기자]" not in article.body
        assert "(사진=" not in article.body
        assert article.body_raw.startswith("[")  # the raw text keeps the tag
    assert result.articles[0].byline == "김현아 기자"
    assert result.articles[5].byline == "황영민 기자"  # [수원=이데일리 황영민 기자]


def test_sedaily_leads():
    result = parse_sample("sedaily_leads.txt")
    assert result.format == "leads"
    assert len(result.articles) == 20
    assert result.rejected == []
    for article in result.articles:
        assert 10 <= len(article.headline) <= 60
        assert len(article.headline) < len(article.body) / 2
        assert "Skip to main content" not in article.body
    assert result.articles[0].headline == (
        "프랑스, 미국과 중국 주도로 전개되던 AI 패권 경쟁에 가세"
    )
