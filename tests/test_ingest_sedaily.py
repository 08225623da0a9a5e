"""The 서울경제 site-dump parser."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from prism.ingest import parse_path, parse_text

SEOUL = ZoneInfo("Asia/Seoul")


def test_parses_headline_section_subsection_and_time(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "sedaily_small.txt"))
    assert result.format == "sedaily"
    first = result.articles[0]
    assert first.headline == "한빛전자, 2분기 영업이익 30% 증가…AI 서버 메모리 효과"
    assert (first.section, first.subsection) == ("산업", "기업")
    assert first.published_at == dt.datetime(2025, 7, 25, 9, 10, tzinfo=SEOUL)
    assert first.source == "서울경제"
    assert first.location == "line 2"


def test_trailing_byline_becomes_the_byline_and_leaves_the_body(ingest_fixtures):
    first = parse_path(str(ingest_fixtures / "sedaily_small.txt")).articles[0]
    assert first.byline == "김하늘 기자"
    assert "sky@example.com" not in first.body
    assert "sky@example.com" in first.body_raw  # the raw body is kept untouched
    assert first.body.endswith("말했다.")


def test_page_furniture_after_the_last_article_is_not_body(ingest_fixtures):
    last = parse_path(str(ingest_fixtures / "sedaily_small.txt")).articles[-1]
    assert last.headline.startswith("부동산 PF")
    for furniture in (
        "이시간 주요 뉴스",
        "대표전화",
        "Copyright",
        "저작권법",
        "등록번호",
    ):
        assert furniture not in last.body
        assert furniture not in last.body_raw
    assert last.body.endswith("관건이라고 보고 있다.")


def test_block_without_meta_line_is_rejected_and_others_import(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "sedaily_small.txt"))
    assert len(result.articles) == 3
    assert len(result.rejected) == 1
    rejected = result.rejected[0]
    assert rejected.location == "line 6"
    assert "섹션·날짜 줄" in rejected.reason


def test_meta_line_without_space_before_body_and_digits_in_body():
    text = (
        "-\n양자컴 학습 성공\n"
        "산업 IT 2025.04.12 09:00:007일(현지시간) 중국 매체는 양자컴퓨터로 AI 모델 "
        "학습에 성공했다고 보도했습니다. 업계는 파장을 주시하고 있습니다. -\n"
    )
    article = parse_text(text, fmt="sedaily").articles[0]
    assert article.published_at == dt.datetime(2025, 4, 12, 9, 0, 0, tzinfo=SEOUL)
    assert article.body.startswith("7일(현지시간)")


def test_impossible_date_is_rejected():
    text = (
        "-\n제목\n산업 IT 2025.02.30 09:00:00"
        "본문이 충분히 길게 적혀 있는 기사입니다. -\n"
    )
    result = parse_text(text, fmt="sedaily")
    assert result.articles == []
    assert "날짜" in result.rejected[0].reason


def test_article_whose_body_is_only_furniture_is_rejected():
    text = (
        "-\n제목\n산업 IT 2025.04.12 09:00:00"
        "Copyright ⓒ Sedaily, All right reserved -\n"
    )
    result = parse_text(text, fmt="sedaily")
    assert result.articles == []
    assert "본문" in result.rejected[0].reason
