"""■ headings as themes, and lead sentences told shorter."""

from __future__ import annotations

import pytest

from prism.nlp.headings import THEME_MAX_CHARS, story_trend, theme_heading
from prism.nlp.korean import (
    compress,
    has_this_day,
    in_time_order,
    last_reported_day,
    with_this_day,
)
from prism.nlp.tokens import get_tokenizer


@pytest.fixture(scope="module")
def okt():
    tokenizer = get_tokenizer("okt")
    tokenizer.pos("준비")
    return tokenizer


@pytest.mark.parametrize(
    ("headline", "trend"),
    [
        ("지방 병원 소아과 전문의 '0명'", "부족"),
        ("한은, 성장률 전망 또 하향", "하향"),
        ("카드사 연체율 급등…건전성 경고등", "급등"),  # the first segment with one
        ("식품업계 가격 인상 행렬…소비자 부담 가중", "우려"),
        ("중기부, 2000억 규모 '기후테크' 투자펀드 설립", "출범"),
        ("조선 3사 수주 잔량 3년치 확보", ""),  # nothing the table knows
        # A trend word that only qualifies the nouns after it is no predicate.
        ("산업부, 수출 대응 자금 500억 집행…중소기업 '이중고'", "이중고"),
    ],
)
def test_story_trend(headline, trend):
    assert story_trend(headline)[0] == trend


def test_a_trend_from_the_opening_when_the_headline_has_none():
    trend, at = story_trend("조선 3사의 새 일감", ["수주가 지난해보다 30% 늘었다."])
    assert (trend, at) == ("확대", -1)


@pytest.mark.parametrize(
    ("headline", "concepts", "heading"),
    [
        # The nouns right before the trend word, the trend as a noun.
        ("중기부, 2000억 규모 기후테크 투자펀드 설립", [], "기후테크 투자펀드 출범"),
        ("공공기관 지방 이전 속도…지역 의료 인력 '0명'", [], "지역 의료 인력 부족"),
        ("전기차 보조금 축소해야…재정 부담 경고", [], "전기차 보조금 축소 필요성"),
        # After an arrow, the phrase closing the segment before (figures left out).
        ("쿠팡, 올해 물류센터 12곳 구축…작년보다 2배↑", [], "물류센터 구축 확대"),
        # A subject's particle opens the phrase; another particle ends it.
        ("'반도체 동맹' LG이노텍도 매출 40% 급증", [], "LG이노텍 매출 확대"),
        # No phrase before the trend word: the story's concepts, phrases only.
        ("LG, 전장 사업 협력", ["전장 사업", "LG"], "전장 사업 협력"),
        ("삼성, 노조와 협력", ["삼성"], ""),
        # A concept that already names the trend is passed over.
        ("반도체 수출 증가", ["수출 증가", "반도체 수출"], "반도체 수출 확대"),
        # A headline's one-character country is spelled out; a price noun the
        # tagger splits ("목표가") is still a noun.
        ("누리증권, 中 목표가 또 하향", ["중국 증시"], "중국 목표가 하향"),
        ("고금리에 美빅테크 쑥대밭…유가 부담도", [], "미국 빅테크 타격"),
        # A concept neither the headline nor the lede names never takes the
        # headline's trend: nobody said "해외 주식 대응".
        ("환율 재돌파…외환당국 “쏠림 현상에 적극 대응”", ["해외 주식"], ""),
    ],
)
def test_theme_heading(okt, headline, concepts, heading):
    assert theme_heading(concepts, headline, [], okt) == heading


def test_a_heading_heads_its_paragraph(okt):
    headline = "서울만 300명인데…지방 소아과 전문의 '0명'"
    concepts = ["소아과 전문의", "의대 정원"]
    about_the_headline = "지방 소아과 전문의가 한 명도 없는 군이 늘었다."
    assert (
        theme_heading(concepts, headline, [], okt, body=about_the_headline)
        == "소아과 전문의 부족"
    )
    # The paragraph tells another side of the story: its own sentence says how.
    about_quotas = "의대 정원은 규제에 묶여 있다. 수도권 병원은 인력을 늘렸다."
    assert (
        theme_heading(concepts, headline, [], okt, body=about_quotas)
        == "의대 정원 규제"
    )


def test_a_heading_names_what_its_paragraph_opens_on(okt):
    headline = "서울만 300명인데…지방 소아과 전문의 '0명'"
    concepts = ["소아과 전문의", "의대 정원"]
    # The headline's concept comes only in the third sentence: the heading
    # follows the opening instead.
    body = (
        "의대 정원은 규제에 묶여 있다. 정부는 증원을 검토하고 있다. "
        "지방 소아과 전문의가 한 명도 없는 군이 늘었다."
    )
    assert theme_heading(concepts, headline, [], okt, body=body) == "의대 정원 규제"
    # Named in the first two sentences, the headline's concept stays.
    body = "정부는 증원을 검토하고 있다. 지방 소아과 전문의가 한 명도 없는 군이 늘었다."
    assert theme_heading(concepts, headline, [], okt, body=body) == "소아과 전문의 부족"


def test_a_growth_that_stalled_is_no_growth(okt):
    body = "2년 동안 수도권이 늘린 AI 학과 증원 수는 205명에 그쳤다."
    assert theme_heading(["AI 학과"], "AI전문교사 '0명'", [], okt, body=body) == (
        "AI 학과 정체"
    )


def test_a_paragraphs_heading_keeps_the_headlines_direction(okt):
    headline = "개미 등터진다…보유 미국주식 일주일 새 3000억 증발"
    body = "주식 보관액은 연초 급증했다. 이후 보관액은 줄곧 하락세를 보이고 있다."
    assert (
        theme_heading(["주식 보관액"], headline, [], okt, body=body)
        == "주식 보관액 감소"
    )


def test_theme_headings_are_short_and_carry_no_figures(okt):
    heading = theme_heading(
        ["2025 대한민국 초격차 첨단 반도체 클러스터 종합 지원", "반도체 클러스터"],
        "정부, 용인 반도체 클러스터 지원 확대",
        [],
        okt,
    )
    assert heading and len(heading) <= THEME_MAX_CHARS
    assert not any(ch.isdigit() for ch in heading)


# ------------------------------------------------------------ lead sentences


@pytest.mark.parametrize(
    ("sentence", "retold"),
    [
        # Glosses in parentheses go.
        ("중국의 인공지능(AI) 기업 문샷(Moonshot)이 새 모델을 내놓았다.",
         "중국의 인공지능 기업 문샷이 새 모델을 내놓았다."),
        # ... leaving a space between words, none before a particle.
        ("행사는 오늘(발표회)서울에서 열렸다.", "행사는 오늘 서울에서 열렸다."),
        # A lead-in saying where the figures are read goes; a subject stays.
        ("기업별 실적을 보면 한빛전자가 1위에 올랐다.", "한빛전자가 1위에 올랐다."),
        ("지역별로 보면 서울이 가장 많이 올랐다.", "서울이 가장 많이 올랐다."),
        ("한빛전자를 보면 주가가 올랐다.", "한빛전자를 보면 주가가 올랐다."),
        # A count in parentheses is the figure a decline starts from: it stays.
        ("인력은 2018년(93만 명)부터 줄었다.", "인력은 2018년(93만 명)부터 줄었다."),
        # A gloss giving a date is when, not what: it stays.
        ("행사는 어제(20일) 서울에서 열렸다.", "행사는 어제(20일) 서울에서 열렸다."),
        ("이달(1~9일 기준) 1위는 BYD였다.", "이달(1~9일 기준) 1위는 BYD였다."),
        # A source stays (an estimate is never made the paper's own fact), and
        # so does the date: a week-old figure must not read as today's.
        ("2일 통계청에 따르면 소비자물가는 2.1% 올랐다.",
         "2일 통계청에 따르면 소비자물가는 2.1% 올랐다."),
        ("한국은행이 16일 금리를 동결했다.", "한국은행이 16일 금리를 동결했다."),
        ("정부는 3월 12일 대책을 발표했다.", "정부는 3월 12일 대책을 발표했다."),
        ("값이 2일에는 오르고 5일에는 내렸다.", "값이 2일에는 오르고 5일에는 내렸다."),
        # A reference date ("이달 8일 기준") is part of the figure.
        ("이달 8일 기준 보관액은 20억 달러다.", "이달 8일 기준 보관액은 20억 달러다."),
        # A won conversion is a figure the sentence may compare, not a gloss.
        ("보관액은 20억 달러(약 2조 9000억 원)로 5690억 원 줄었다.",
         "보관액은 20억 달러(약 2조 9000억 원)로 5690억 원 줄었다."),
        # An announcement's tail goes.
        ("카카오는 새 요금제를 출시한다고 밝혔다.", "카카오는 새 요금제를 출시한다."),
        ("정부는 주택 1만 가구를 공급하겠다고 밝혔다.",
         "정부는 주택 1만 가구를 공급하기로 했다."),
        # A close in points and per cent is told by the per cent.
        ("20일 코스피는 전 거래일보다 37.41포인트(0.90%) 오른 4192.40에 장을 마쳤다.",
         "20일 코스피는 0.90% 오른 4192.40에 장을 마쳤다."),
        # A plan announced on a day is told as decided, not as dated.
        ("세진반도체는 20일 엔지니어 1200명을 채용한다고 밝혔다.",
         "세진반도체는 20일 엔지니어 1200명을 채용하기로 했다."),
        ("누리부는 20일 예산을 늘린다고 밝혔다.",
         "누리부는 20일 예산을 늘리기로 했다."),
        # So does the meeting it came out of, the date staying; a plan's name
        # stays, what the sentence is about.
        ("누리부는 20일 ‘창업 지원 계획’을 발표하고 예산을 25% 늘렸다고 밝혔다.",
         "누리부는 20일 ‘창업 지원 계획’을 발표하고 예산을 25% 늘렸다."),
        ("위원회는 20일 전체회의를 열고 과징금 78억 원을 부과했다.",
         "위원회는 20일 과징금 78억 원을 부과했다."),
        ("금통위는 19일 서울 중구 본관에서 통화정책방향 회의를 열고 금리를 내렸다.",
         "금통위는 19일 금리를 내렸다."),
        # What an event's own name says stays when nothing is decided after it.
        ("누리부는 20일 ‘창업 지원 계획’을 발표했다.",
         "누리부는 20일 ‘창업 지원 계획’을 발표했다."),
    ],
)  # fmt: skip
def test_compress(sentence, retold):
    assert compress(sentence) == retold


def test_a_keyword_is_never_cut_out_of_a_longer_name(okt):
    from prism.services.briefing_keywords import _cut_from_noun_phrase

    source = (
        "골드만삭스는 MSCI 중국 지수 목표치를 낮췄다. MSCI 중국 지수 전망도 낮췄다."
    )
    assert _cut_from_noun_phrase("중국 지수", source, okt)  # "MSCI" comes before
    assert _cut_from_noun_phrase("MSCI 중국", source, okt)  # "지수" follows
    assert not _cut_from_noun_phrase("중국 증시", "중국 증시가 올랐다.", okt)


def test_item_headlines_lose_the_web_desks_tags():
    from prism.services.composition import display_headline

    assert (
        display_headline("삼성, 반도체 정점 찍었다[biz-플러스]")
        == "삼성, 반도체 정점 찍었다"
    )
    assert display_headline("[단독] 카카오, 새 요금제") == "카카오, 새 요금제"
    assert display_headline("[여명]") == "[여명]"  # nothing else to show


def test_this_day_inside_a_paragraph_sentence_gets_its_date():
    # Without the date, China's rate of the 10th would read as today's.
    sentence = "중국은 이날 보복관세를 84%까지 올리고 맞대응했다."
    assert has_this_day(sentence)
    assert (
        with_this_day(sentence, 10)
        == "중국은 10일 보복관세를 84%까지 올리고 맞대응했다."
    )
    assert (
        with_this_day("미 정부는 이날(현지 시간) 유예를 발표했다.", 9)
        == "미 정부는 9일(현지 시간) 유예를 발표했다."
    )
    # An opening "이날" is a back-reference: the sentence comes only after its date.
    assert not has_this_day("이날 주가는 3% 올랐다.")
    assert with_this_day("이날 주가는 3% 올랐다.", 10) == "이날 주가는 3% 올랐다."


def test_the_last_day_a_sentence_reports():
    assert last_reported_day("미국은 9일 관세를 유예했고 중국은 11일 맞섰다.") == 11
    # A duration, a range and a plan are no days of an event.
    assert (
        last_reported_day("조사는 8~11일 실시해 다음 달 5일 발표할 예정이다.") is None
    )
    assert last_reported_day("90일 동안 유예했다.") is None


def test_what_came_before_is_told_as_before():
    flip = "행정부는 11일 관세 예외를 발표했다가 13일 품목 관세에 넣겠다고 밝혔다."
    quote = "그는 “유연성을 보여야 한다”고 말했다."
    pause = "대통령은 이달 4일 국채금리가 급등하자 9일 상호관세를 90일 유예했다."
    assert in_time_order([flip, pause]) == [flip, "앞서 " + pause]
    # A sentence without days between them does not hide the order.
    assert in_time_order([flip, quote, pause])[2] == "앞서 " + pause
    # In order, or already placed in time, nothing is added.
    assert in_time_order([pause, flip]) == [pause, flip]
    placed = "지난 4일 국채금리가 급등했다."
    assert in_time_order([flip, placed]) == [flip, placed]
    assert (
        in_time_order([flip, "이날 주가는 3% 올랐다."])[1] == "이날 주가는 3% 올랐다."
    )


def test_a_market_told_as_it_moves_is_stale_by_morning():
    from prism.nlp.korean import time_bound

    assert time_bound("이날 중국 증시는 오름세를 보이고 있다.", estimated=False)
    assert time_bound("코스피는 오후 2시 현재 1% 오른 2500이다.", estimated=False)
    # A close is a fact of the day; so is a dated figure.
    assert not time_bound("이날 코스피는 2% 오른 2500에 마감했다.", estimated=False)
    assert not time_bound("14일 MSCI 지수 목표치를 75로 낮췄다.", estimated=False)


def test_a_count_in_parentheses_is_a_figure_not_a_gloss():
    sentence = "전공 인력은 2018년(93만 6183명)부터 꾸준히 줄어 89만 명이 됐다."
    assert compress(sentence) == sentence
    assert compress("딥시크(DeepSeek)가 모델을 냈다.") == "딥시크가 모델을 냈다."


def test_a_ledes_concept_takes_only_a_trend_the_headline_tells_of_it(okt):
    # The headline's "줄었다" is the listings', not the apartments'.
    assert (
        theme_heading(
            ["서울 아파트"],
            "서울 전셋값 28주째 상승…“매물 1년 새 30% 줄었다”",
            ["서울 아파트 전셋값이 28주 연속 올랐다."],
            okt,
        )
        == ""
    )
    # The headline's "인재 경쟁력" is the talent the lede's concept names.
    assert (
        theme_heading(
            ["인재 확보"],
            '美 연구자 90% "인재 경쟁력에 AI 성패 달려"',
            ["AI 연구원들은 인재 확보가 가장 중요하다고 본다."],
            okt,
        )
        == "인재 확보 경쟁"
    )
