"""Lead-paragraph lists and the headline derived from a lead."""

from __future__ import annotations

import pytest

from prism.ingest import parse_path
from prism.ingest.leads import (
    HEADLINE_MAX_CHARS,
    _infinitive,
    _tighter,
    headline_from_lead,
    headline_style,
)


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
    assert article.headline == "반도체 장비 수출, 넉 달 연속 두 자릿수 증가율 기록"
    assert article.body.startswith("반도체 장비 수출이 넉 달 연속")
    assert len(article.headline) < len(article.body)


@pytest.mark.parametrize(
    ("lead", "headline"),
    [
        (
            "인공지능(AI) 기반 휴머노이드 로봇 시장이 전환점에 들어섰다. "
            "양산이 시작됐다.",
            "AI 기반 휴머노이드 로봇 시장, 전환점에 들어서",
        ),
        (
            "중국을 향한 미국의 첨단 기술 수출 통제가 갈수록 그 수위를 "
            "높여가는 가운데, 중국 반도체 산업이 자립률 25%를 달성하며 "
            "미국의 제재를 무력화하는 모습이다. 둘째 문장이다.",
            "중국 반도체 산업, 자립률 25%를 달성하며 미국의 제재 무력화",
        ),
    ],
)
def test_headline_from_lead(lead, headline):
    assert headline_from_lead(lead) == headline


def test_long_first_sentence_goes_without_the_description_of_its_subject():
    lead = (
        "생성형 인공지능(AI)의 선두 주자인 챗GPT 개발사 오픈AI가 중국의 AI 스타트업 "
        "딥시크의 급부상에 맞서 AI 검색 도구 딥리서치를 선보였다. 다음 문장."
    )
    headline = headline_from_lead(lead)
    assert headline == (
        "챗GPT 개발사 오픈AI, 중국의 AI 스타트업 딥시크의 급부상에 맞서 AI 검색 "
        "도구 딥리서치를 선보여"
    )


@pytest.mark.parametrize(
    ("stem", "form"),
    [("높이", "높여"), ("일으키", "일으켜"), ("겪", "겪어"), ("막", "막아")]
    + [("키우", "키워"), ("나서", "나서"), ("쓰", "써"), ("보", "봐")]
    + [("듣", None), ("오르", None), ("하", None)],
)
def test_infinitive_of_a_native_verb(stem, form):
    assert _infinitive(stem) == form


def test_main_clause_loses_its_pointer_back():
    lead = (
        "전 세계적 AI 열풍에 중국 스타트업 딥시크가 고도로 숙련된 AI 모델을 공개한 "
        "가운데, 이를 구동하는 AI 반도체에도 관심이 쏠리고 있다. 다음 문장."
    )
    # What it pointed back to leads the headline.
    assert headline_from_lead(lead) == (
        "중국 스타트업 딥시크, 고도로 숙련된 AI 모델 공개…AI 반도체에도 관심 쏠려"
    )
    # With no occasion to lead, the main clause stands alone.
    lead = (
        "전 세계적 AI 열풍으로 중국 스타트업들의 몸값이 크게 치솟고 있다는 평가가 "
        "나오는 상황에서도, 이를 구동하는 AI 반도체에도 관심이 쏠리고 있다. 다음."
    )
    assert headline_from_lead(lead) == "AI 반도체에도 관심 쏠려"


def test_a_long_headline_is_tightened_before_it_is_cut():
    lead = (
        "트럼프 2기 행정부에서 신설된 정부효율부(DOGE)의 수장 일론 머스크 테슬라 "
        "최고경영자(CEO)가 트럼프 대통령의 인공지능(AI) 인프라 투자 프로젝트 "
        "‘스타게이트’에 대한 의문을 제기했다. 다음 문장."
    )
    assert headline_from_lead(lead) == (
        "DOGE 수장 일론 머스크 테슬라 CEO, 트럼프 대통령 AI 인프라 투자 "
        "프로젝트 ‘스타게이트’ 의문 제기"
    )
    # The 의 of a word stays.
    assert (
        _tighter("노사의 합의 결과와 새로운 회의 일정") == "노사 합의 결과와 회의 일정"
    )


def test_long_first_sentence_is_cut_at_a_word_boundary():
    lead = (
        "국내 주요 반도체 장비 업체와 소재 업체들이 참여한 대규모 컨소시엄이 정부가 "
        "추진하는 차세대 반도체 공정 기술 국산화 사업의 첫 번째 성과물을 올해 상반기 "
        "중에 국내외 투자자들에게 공개했다. 다음 문장."
    )
    headline = headline_from_lead(lead)
    assert len(headline) <= HEADLINE_MAX_CHARS
    assert headline.endswith("…")


@pytest.mark.parametrize(
    ("sentence", "headline"),
    [
        ("프랑스가 인공지능 패권 경쟁에 가세했다", "프랑스, 인공지능 패권 경쟁에 가세"),
        (
            "세계 최대 전자업체 애플이 스마트 글래스 개발을 중단했다",
            "세계 최대 전자업체 애플, 스마트 글래스 개발 중단",
        ),
        ("오픈AI가 투자 유치에 나섰다", "오픈AI, 투자 유치에 나서"),
        ("수출이 석 달째 늘고 있다", "수출, 석 달째 늘어"),
        ("한빛전자가 TV 사업 철수를 검토하고 있다", "한빛전자, TV 사업 철수 검토"),
        ("두 회사의 합병이 무산될 것으로 전망된다", "두 회사의 합병, 무산 전망"),
        # The first subject sits in a clause: the headline's subject is the
        # next one, and the native verb keeps its 아/어 form. A one-word
        # predicate keeps close to its subject.
        ("수출이 늘었다", "수출 늘어"),
        (
            "딥시크가 선보인 AI를 둘러싼 각국의 견제가 갈수록 거세졌다",
            "딥시크가 선보인 AI를 둘러싼 각국의 견제, 갈수록 거세져",
        ),
        (
            "일본 공항들이 연료 부족으로 어려움을 겪고 있다",
            "일본 공항들, 연료 부족으로 어려움을 겪어",
        ),
        (
            "딥시크가 AI 시장에 지각 변동을 일으키고 있다",
            "딥시크, AI 시장에 지각 변동을 일으켜",
        ),
        (
            "중국 정부가 AI 발전 계획을 수립 중인 것으로 파악됐다",
            "중국 정부, AI 발전 계획 수립 중",
        ),
        (
            "맥주회사 칼스버그가 실적 전망에 대한 우려를 표명했다",
            "맥주회사 칼스버그, 실적 전망 우려 표명",
        ),
        (
            "올트먼 CEO가 오픈소스에 전향적인 의견을 피력했다",
            "올트먼 CEO, 오픈소스에 전향적 의견 피력",
        ),
        (
            "반도체 산업이 미국의 제재를 무력화하는 모습이다",
            "반도체 산업, 미국의 제재 무력화",
        ),
        (
            "개발 비용이 100배 더 들었을 것이라는 분석이 나왔다",
            "개발 비용, 100배 더 들었을 것이라는 분석",
        ),
        # "발표하는" is a verb, not a subject.
        (
            "중국도 수출 제한 품목을 발표하는 등 맞불 작전에 나섰다",
            "중국도 수출 제한 품목을 발표하는 등 맞불 작전에 나서",
        ),
        # Irregular verbs keep the sentence's own ending.
        ("물가가 계속 오르고 있다", "물가, 계속 오르고 있다"),
        ("정부가 수출 기업을 돕고 있다", "정부, 수출 기업을 돕고 있다"),
        # A comma of its own: no second one after the subject.
        (
            "일본 2위, 3위 업체의 통합이 무산됐다",
            "일본 2위, 3위 업체의 통합이 무산",
        ),
        # A quotation: left as written.
        ('그는 "투자를 늘리겠다"고 밝혔다', '그는 "투자를 늘리겠다"고 밝혔다'),
    ],
)
def test_headline_style(sentence, headline):
    assert headline_style(sentence) == headline
