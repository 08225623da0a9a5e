"""Lead-paragraph lists and the headline derived from a lead."""

from __future__ import annotations

import pytest

from prism.ingest import parse_path
from prism.ingest.leads import HEADLINE_MAX_CHARS, headline_from_lead


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
    assert (
        article.headline == "반도체 장비 수출이 넉 달 연속 두 자릿수 증가율을 기록했다"
    )
    assert article.body.startswith(article.headline)
    assert len(article.headline) < len(article.body)


@pytest.mark.parametrize(
    ("lead", "headline"),
    [
        (
            "인공지능(AI) 기반 휴머노이드 로봇 시장이 전환점에 들어섰다. "
            "양산이 시작됐다.",
            "인공지능 기반 휴머노이드 로봇 시장이 전환점에 들어섰다",
        ),
        (
            "중국을 향한 미국의 첨단 기술 수출 통제가 갈수록 그 수위를 "
            "높여가는 가운데, 중국 반도체 산업이 자립률 25%를 달성하며 "
            "미국의 제재를 무력화하는 모습이다. 둘째 문장이다.",
            "중국 반도체 산업이 자립률 25%를 달성하며 "
            "미국의 제재를 무력화하는 모습이다",
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
