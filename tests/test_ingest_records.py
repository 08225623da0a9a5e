"""JSON, JSONL and CSV inputs and the shared record schema."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from prism.ingest import IngestError, parse_path, parse_text
from prism.ingest.records import parse_datetime

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2025-04-15T09:51:26+09:00",
            dt.datetime(2025, 4, 15, 9, 51, 26, tzinfo=SEOUL),
        ),
        ("2025-04-15T00:51:26Z", dt.datetime(2025, 4, 15, 9, 51, 26, tzinfo=SEOUL)),
        ("2025-04-15T09:51:26", dt.datetime(2025, 4, 15, 9, 51, 26, tzinfo=SEOUL)),
        ("2025.04.15 09:51:26", dt.datetime(2025, 4, 15, 9, 51, 26, tzinfo=SEOUL)),
        ("2025-04-15 09:51", dt.datetime(2025, 4, 15, 9, 51, tzinfo=SEOUL)),
        ("2025-04-15", dt.datetime(2025, 4, 15, tzinfo=SEOUL)),
        (
            "Tue, 15 Apr 2025 09:51:26 +0900",
            dt.datetime(2025, 4, 15, 9, 51, 26, tzinfo=SEOUL),
        ),
    ],
)
def test_parse_datetime_formats(text, expected):
    parsed = parse_datetime(text)
    assert parsed.tzinfo is not None
    assert parsed == expected


@pytest.mark.parametrize("text", ["어제 오후", "2025.13.40 10:00:00", ""])
def test_parse_datetime_refuses_nonsense(text):
    with pytest.raises((ValueError, TypeError)):
        parse_datetime(text)


def test_jsonl_good_records_import_and_bad_lines_are_rejected(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "articles.jsonl"))
    assert result.format == "jsonl"
    assert [a.external_id for a in result.articles] == ["A-1001", "A-1002"]
    reasons = {r.location: r.reason for r in result.rejected}
    assert set(reasons) == {"line 3", "line 4", "line 5", "line 6"}
    assert "JSON 구문 오류" in reasons["line 3"]
    assert "body" in reasons["line 4"]
    assert "published_at" in reasons["line 5"] and "어제 오후" in reasons["line 5"]
    assert "페이지 구성 요소" in reasons["line 6"]  # a body that is only furniture


def test_jsonl_aliases_naive_dates_and_reporter_tags(ingest_fixtures):
    first, second = parse_path(str(ingest_fixtures / "articles.jsonl")).articles
    assert first.url == "https://news.example.com/articles/1001"
    assert first.source == "예시경제"
    assert first.section == "유통·소비"
    assert second.headline == "정부, 중소기업 수출보험 한도 두 배로 확대"  # "title"
    assert second.published_at == dt.datetime(2025, 7, 22, 11, 20, tzinfo=SEOUL)
    assert second.byline == "한지민 기자"
    assert second.body.startswith("정부가")


def test_source_argument_fills_records_without_one(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "articles.jsonl"), source="테스트일보")
    assert [a.source for a in result.articles] == ["예시경제", "테스트일보"]


def test_json_object_with_articles_key(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "articles.json"))
    assert result.format == "json"
    first, second = result.articles
    assert (first.section, first.subsection) == ("스타트업", "투자")
    assert first.url == "https://news.example.com/articles/77"  # "link"
    assert first.external_id == "J-77"
    assert first.byline == "정다은 기자"
    assert "게티이미지뱅크" not in first.body
    assert "\n\n" in first.body  # paragraphs survive cleaning
    assert second.body.startswith("원·달러 환율이 1,380원대에서 마감했다.")
    assert "<p>" not in second.body and "딜링룸" not in second.body
    assert "<p>" in second.body_raw
    reasons = {r.location: r.reason for r in result.rejected}
    assert "객체가 아닙니다" in reasons["record 2"]
    assert "url" in reasons["record 4"]


def test_json_plain_list():
    text = (
        '[{"headline": "제목", '
        '"body": "충분히 긴 본문입니다. 두 번째 문장도 있습니다."}]'
    )
    result = parse_text(text)
    assert result.format == "json"
    assert result.articles[0].headline == "제목"
    assert result.articles[0].language == "ko"


def test_truncated_json_is_refused_with_its_position(ingest_fixtures):
    with pytest.raises(IngestError) as caught:
        parse_path(str(ingest_fixtures / "truncated.json"))
    message = str(caught.value)
    assert message.startswith(str(ingest_fixtures / "truncated.json"))
    assert "line 1 column" in message
    assert "JSON" in message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"items": []}', '"articles"'),
        ("[]", "빈 목록"),
        ('"문자열"', "배열"),
    ],
)
def test_json_of_the_wrong_shape_is_refused(text, words):
    with pytest.raises(IngestError, match=words):
        parse_text(text, fmt="json", name="x.json")


def test_field_of_the_wrong_type_is_rejected_by_name():
    text = '[{"headline": ["목록"], "body": "충분히 긴 본문입니다. 두 번째 문장."}]'
    result = parse_text(text, fmt="json")
    assert "headline" in result.rejected[0].reason


def test_csv_rows_multiline_bodies_and_short_rows(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "articles.csv"))
    assert result.format == "csv"
    first, second = result.articles
    assert first.headline == "조선업계, 하반기 LNG선 수주 목표 상향"
    assert "\n" in first.body  # the quoted body spans two lines
    assert first.byline == "홍길동 기자"
    assert "hong@example.com" not in first.body
    assert first.location == "line 3"  # where the record ends
    assert second.url == ""
    assert [(r.location, "열 개수" in r.reason) for r in result.rejected] == [
        ("line 5", True)
    ]


def test_csv_without_required_columns_is_refused():
    with pytest.raises(IngestError) as caught:
        parse_text("name,summary\n가,나\n", fmt="csv", name="bad.csv")
    message = str(caught.value)
    assert message.startswith("bad.csv: line 1:")
    assert "headline/title" in message and "body/content/text" in message


def test_tab_separated_values():
    text = "headline\tbody\n제목\t충분히 긴 본문입니다. 쉼표, 도 들어 있습니다.\n"
    result = parse_text(text, fmt="csv")
    assert result.articles[0].body == "충분히 긴 본문입니다. 쉼표, 도 들어 있습니다."


def test_csv_with_only_a_header_is_refused():
    with pytest.raises(IngestError, match="기사 행이 없습니다"):
        parse_text("headline,body\n", fmt="csv")
