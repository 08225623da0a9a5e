"""Lead-paragraph lists and the headline derived from a lead."""

from __future__ import annotations

import pytest

from prism.ingest import parse_path
from prism.ingest.leads import HEADLINE_MAX_CHARS, headline_from_lead, headline_style


def test_one_article_per_lead_line_menu_skipped(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "leads_small.txt"))
    assert result.format == "leads"
    assert len(result.articles) == 3
    assert [a.location for a in result.articles] == ["line 2", "line 3", "line 5"]
    assert all("Skip to main content" not in a.body for a in result.articles)


def test_short_fragment_is_rejected(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "leads_small.txt"))
    assert len(result.rejected) == 1
    assert result.rejected[0].location == "line 4"
    assert "짧습니다" in result.rejected[0].reason


def test_headline_is_the_first_sentence_not_the_paragraph(ingest_fixtures):
    article = parse_path(str(ingest_fixtures / "leads_small.txt")).articles[1]
    assert article.headline == "반도체 장비 수출, 넉 달 연속 두 자릿수 증가율을 기록"
    assert article.body.startswith("반도체 장비 수출이 넉 달 연속")
    assert len(article.headline) < len(article.body)


@pytest.mark.parametrize(
    ("lead", "headline"),
    [
        (
            "인공지능(AI) 기반 휴머노이드 로봇 시장이 전환점에 들어섰다. "
            "양산이 시작됐다.",
            "인공지능 기반 휴머노이드 로봇 시장, 전환점에 들어서",
        ),
        (
            "중국을 향한 미국의 첨단 기술 수출 통제가 갈수록 그 수위를 "
            "높여가는 가운데, 중국 반도체 산업이 자립률 25%를 달성하며 "
            "미국의 제재를 무력화하는 모습이다. 둘째 문장이다.",
            "중국 반도체 산업, 자립률 25%를 달성하며 미국의 제재를 무력화하는 모습",
        ),
    ],
)
def test_headline_from_lead(lead, headline):
    assert headline_from_lead(lead) == headline


def test_long_first_sentence_is_cut_at_a_word_boundary():
    lead = (
        "전 세계적 AI 열풍에 중국 스타트업 딥시크가 고도로 숙련된 AI 모델을 공개한 "
        "가운데, 이를 구동하는 AI 반도체에도 관심이 쏠리고 있다. 다음 문장."
    )
    headline = headline_from_lead(lead)
    assert len(headline) <= HEADLINE_MAX_CHARS
    assert headline.endswith("…")
    assert lead.startswith(headline.removesuffix("…"))
    assert not headline.startswith("이를")


@pytest.mark.parametrize(
    ("sentence", "headline"),
    [
        ("프랑스가 인공지능 패권 경쟁에 가세했다", "프랑스, 인공지능 패권 경쟁에 가세"),
        (
            "세계 최대 전자업체 애플이 스마트 글래스 개발을 중단했다",
            "세계 최대 전자업체 애플, 스마트 글래스 개발을 중단",
        ),
        ("오픈AI가 투자 유치에 나섰다", "오픈AI, 투자 유치에 나서"),
        ("수출이 석 달째 늘고 있다", "수출, 석 달째 늘고 있다"),
        ("한빛전자가 TV 사업 철수를 검토하고 있다", "한빛전자, TV 사업 철수를 검토"),
        ("두 회사의 합병이 무산될 것으로 전망된다", "두 회사의 합병, 무산 전망"),
        # The first subject sits in a clause: the sentence keeps its particles.
        (
            "딥시크가 선보인 AI를 둘러싼 각국의 견제가 거세졌다",
            "딥시크가 선보인 AI를 둘러싼 각국의 견제가 거세졌다",
        ),
        # A comma or a quotation: left as written.
        (
            "일본 2위, 3위 업체의 통합이 무산됐다",
            "일본 2위, 3위 업체의 통합이 무산됐다",
        ),
    ],
)
def test_headline_style(sentence, headline):
    assert headline_style(sentence) == headline
