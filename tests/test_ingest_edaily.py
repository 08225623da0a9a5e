"""The 이데일리 search-result parser."""

from __future__ import annotations

from prism.ingest import parse_path, parse_text


def test_pairs_headlines_with_bodies_and_takes_the_reporter(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "edaily_small.txt"))
    assert result.format == "edaily"
    assert [a.headline for a in result.articles] == [
        "중기부, 딥테크 스타트업 200곳에 R&D 바우처 지원",
        "배터리 소재 3사, 하반기 설비투자 일제히 축소",
    ]
    assert [a.byline for a in result.articles] == ["박서준 기자", "이도윤 기자"]
    assert all(a.source == "이데일리" for a in result.articles)


def test_reporter_tags_captions_and_emails_leave_the_body(ingest_fixtures):
    first, second = parse_path(str(ingest_fixtures / "edaily_small.txt")).articles
    assert first.body.startswith("중소벤처기업부가")
    assert "[세종=이데일리 박서준 기자]" in first.body_raw
    assert "사진" not in first.body
    assert "질의응답을 하고 있다" not in first.body  # the glued photo caption
    assert "계획이다. 업계는" in first.body
    assert "doyun@example.com" not in second.body
    assert second.body.endswith("보고 있다.")


def test_headline_without_body_is_rejected_by_line(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "edaily_small.txt"))
    assert [(r.location, "본문" in r.reason) for r in result.rejected] == [
        ("line 6", True)
    ]


def test_body_without_headline_is_rejected():
    text = (
        "뉴스 검색결과 2건\n"
        "- [이데일리 김철수 기자] 제목 없이 본문만 있는 항목이다. 길이는 충분하다.\n"
        "- 정상 제목\n"
        "- [이데일리 이영희 기자] 정상 본문이다. 이 기사는 가져와야 한다.\n"
    )
    result = parse_text(text, fmt="edaily")
    assert [a.headline for a in result.articles] == ["정상 제목"]
    assert result.rejected[0].location == "line 2"
    assert "headline" in result.rejected[0].reason
