"""Briefing quality: article kinds, dates, the pool, stand-alone summaries, sections
that read like the paper's, concept keywords and the quality report."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from prism.ingest.clean import clean_body
from prism.ingest.kinds import classify_article
from prism.models import Article, Briefing, ReaderType
from prism.nlp.extractive import ExtractiveSummarizer
from prism.nlp.korean import (
    abbreviate,
    bare_noun_heading,
    compress,
    concept_phrase,
    drop_attribution,
    drop_finding_tail,
    elide_repeated_subject,
    has_this_day,
    headline_heading,
    introduced_earlier,
    is_first_person,
    leans_on_previous,
    needs_context,
    overturns,
    refers_back,
    reported_days,
    restate,
    spelled_countries,
    spelled_out_first,
    unanchored,
    without_asides,
)
from prism.nlp.noise import glued_heading, unread
from prism.nlp.quality import (
    BriefingText,
    ItemText,
    heading_missing_from,
    quality_report,
)
from prism.nlp.sentences import split_sentences
from prism.nlp.themes import (
    SentenceLedger,
    StorySentence,
    opener_first,
    opens_story,
    pick_closer,
    pick_story_sentences,
    weak_opening,
)
from prism.nlp.tokens import get_tokenizer
from prism.services.composition import (
    LEAD_PARAGRAPH_CHARS,
    _figures_once,
    _headed,
    _lead,
    _pick,
    _restated_followers,
    _restated_ledes,
    _section_pick,
    _sections,
    _this_day,
    _varied_endings,
    _with_pivots,
    _within_budget,
    acceptable_keyword,
    item_summary,
)
from prism.services.selection import (
    briefing_select,
    clear_caches,
    date_doubtful,
    edition_select,
    mean_pairwise_overlap,
)
from prism.services.stories import article_text
from tests.helpers.samples import sample_path


@pytest.fixture(scope="module")
def okt():
    return get_tokenizer("okt")


# ------------------------------------------------------------------ kinds


@pytest.mark.parametrize(
    ("headline", "section", "body", "kind"),
    [
        ("[여명] AI혁명의 대유행", "", "힘든 시대다.", "opinion"),
        (
            "리턴 이니셔티브 고민하길[윤민혁의 실리콘밸리View]",
            "",
            "본문이다.",
            "opinion",
        ),
        (
            "AI 공급 과잉? 아직 논할 때 아니다 [김세중의 여의도 커피챗]",
            "",
            "본문.",
            "opinion",
        ),
        ("[사설] 추경 서둘러야", "", "본문이다.", "opinion"),
        ("경제 회복의 조건", "오피니언 사내칼럼", "본문이다.", "opinion"),
        ("[미리보는 이데일리 신문]통상임금 쇼크", "", "본문이다.", "digest"),
        ("오늘의 소식", "", "다음은 20일자 이데일리 신문 주요 뉴스다. 1면.", "digest"),
        ("[인사] 서울경제신문", "", "부장 김아무개.", "furniture"),
        ("[인터뷰] 노을 대표", "", "본문이다.", "interview"),
        (
            "관세 궁금증",
            "",
            "Q. 왜 유예했나 A. 시장 때문이다. Q. 다음은 A. 협상이다.",
            "interview",
        ),
        ("“전설의 서막”…엔비디아[biz-플러스]", "", "본문이다.", "analysis"),
        ("삼성SDI, 국내 첫 46파이 배터리 양산", "산업", "양산에 돌입했다.", "news"),
    ],
)
def test_article_kinds(headline, section, body, kind):
    assert classify_article(headline, body, section).kind == kind


def test_an_imported_qa_piece_is_an_interview_though_its_markers_are_cleaned():
    from prism.ingest.base import build_article

    parsed = build_article(
        headline="관세 궁금증",
        body_raw="관세를 정리했다. Q. 왜 유예했나 A. 시장 때문이다. "
        "Q. 다음 조치는 A. 협상이 이어질 전망이다.",
        location="record 1",
    )
    assert "Q." not in parsed.body
    assert parsed.kind == "interview"


def test_qa_markers_become_a_question_line_and_an_answer():
    body = clean_body(
        "관세를 Q&A로 정리했다. Q. 유연성 강조한 속내는 A. 애플을 언급한 발언이다. "
        "Q. 물가 우려는 A. 물가가 오를 수 있다는 분석이다."
    ).body
    assert "Q." not in body and "A." not in body
    assert "유연성 강조한 속내는?\n애플을 언급한 발언이다." in body


def test_a_fused_subheading_gets_its_own_line():
    body = clean_body(
        "파네시아가 상을 받았다. 파네시아는 기술을 인정받은 결과다.차세대 연결기술 "
        "CXL 활용한 혁신 솔루션 개발파네시아는 메모리 확장 기술을 개발해왔다."
    ).body
    assert "솔루션 개발\n파네시아는 메모리" in body
    # A title glued to a name is not a heading ("김동연 경기도지사가").
    kept = clean_body(
        "“해야 한다.” 김동연 경기도지사가 제안했다. 김 지사는 말했다. 지사는 떠났다."
    ).body
    assert "경기도지사가" in kept


# --------------------------------------------------------- back-references


@pytest.mark.parametrize(
    "sentence",
    [
        "이날 MSCI 중국 지수 목표치를 81에서 75로 낮췄다.",
        "그는 “시장이 불안하다”고 말했다.",
        "같은 기간 수출은 3% 늘었다.",
        "두 상품 모두 금리가 높다.",
        "이 회사는 내년 상장을 추진한다.",
        "이후 목표치를 81로 조정했다.",
        "이외에도 정부 프로젝트 기업에 투자한다.",
        "반면 트웰브랩스는 39% 늘었다.",
        "국가별로는 미국과 일본 수출이 늘었다.",  # a breakdown of what?
        "이 가운데 4000억 원은 초기 스타트업에 투자한다.",  # of what?
        "이 중 AI 기업은 9곳이다.",
        "개정안에 따르면 가맹본부는 가격 산정 방식을 적어야 한다.",  # whose?
    ],
)
def test_back_references_are_recognised(sentence):
    assert leans_on_previous(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "박 실장은 “수출이 꺾일 수 있다”고 말했다.",  # a surname and a title
        "이 대표도 같은 의견을 냈다.",
        "“지금은 다르다. 비상한 조치가 필요하다”고 말했다.",  # whose words?
    ],
)
def test_people_and_quotes_named_before_need_context(sentence):
    assert needs_context(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "전체 응답자의 52%가 추가 자금을 인력 고용에 쓰겠다고 답했다.",  # which survey?
        "응답자들은 물가를 가장 큰 걱정으로 꼽았다.",
        "부산대를 졸업한 김 모(31) 씨는 일본 취업을 준비하고 있다.",  # an anecdote
        "한빛전자 역시 지난해 같은 부품을 납품했다.",  # also, after whom?
        "매출이 60.8%나 올랐지만 가격이 반등한 영향이다.",  # whose sales?
        "이번 조사에서 위탁 생산만 하는 업체는 제외됐다.",  # which survey?
        "설문에 응한 기업 300곳 가운데 58%는 생산성이 높아졌다고 답했다.",
        # A figure, a company or a statement named only by what it is.
        "누적 투자 유치 금액은 510억 원이며 기업가치는 2000억 원대다.",
        "올해 매출은 260억 원이 될 것으로 회사는 예상했다.",
        "당국의 발언이 나온 뒤 환율은 1466원대로 내려왔다.",
        "3분기 영업손실은 1870억 원으로 네 분기 연속 적자를 기록했다.",
        "바우처를 받은 기업은 물류비에 최대 1억 원까지 쓸 수 있다.",
        "직장인 점심값 부담이 커진 것이 영향을 미쳤다.",
        # An explanation of what the sentence before reported.
        "전날 기준금리 인하로 한미 금리 차가 벌어진 영향이다.",
        # A share of a whole, or a rise of places, whose measure came before.
        "투자의 70% 이상이 데이터센터와 서버에 쓰인다.",
        "전체의 30%가 청년에게 돌아간다.",
        "강남구와 마포구가 각각 0.2%, 0.1% 올라 상승 폭이 컸다.",
    ],
)
def test_unnamed_surveys_anecdotes_and_additions_need_context(sentence):
    assert needs_context(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "모아핀은 올해 매출 260억 원을 예상했다.",
        "한빛전자 매출은 지난해보다 80% 늘었다.",
        "정부는 관세의 영향이 크다고 말했다.",
        "국내 기업의 61%가 관세를 가장 큰 위험으로 꼽았다.",
        "서울시와 경기도가 각각 100억 원을 출자한다.",
    ],
)
def test_a_named_owner_needs_no_context(sentence):
    assert not needs_context(sentence)


def test_a_contrast_whose_other_side_is_unnamed_needs_context():
    # What needs the careful approach? The sentence before said: semiconductors.
    assert needs_context("협상용이 될 상호관세와 달리 정교한 접근이 필수적이다.")
    assert not needs_context("미국과 달리 한국은 기준금리를 동결했다.")


@pytest.mark.parametrize(
    ("lede", "headline", "restated"),
    [
        # The clause describing the subject goes, with the glosses.
        (
            "인공지능(AI) 칩 열풍을 이끄는 한빛전자가 처음으로 세계 최대 메모리 "
            "기업으로 올라섰다.",
            "한빛전자, 메모리 정점 찍었다",
            "한빛전자가 처음으로 세계 최대 메모리 기업으로 올라섰다.",
        ),
        # A company's descriptor goes; the date stays.
        (
            "미국의 대형 투자은행 누리캐피털이 14일 중국 주가지수 목표치를 내렸다.",
            "누리캐피털, 中 목표가 또 하향",
            "누리캐피털이 14일 중국 주가지수 목표치를 내렸다.",
        ),
        # A concession before the statement goes.
        (
            "수출이 석 달째 늘었지만 내수 기업의 체감 경기는 여전히 싸늘하다는 "
            "지적이 나온다.",
            "내수 기업 체감 경기 싸늘",
            "내수 기업의 체감 경기는 여전히 싸늘하다는 지적이 나온다.",
        ),
        # So does a circumstance the headline does not carry...
        (
            "투자 혹한기가 길어지면서 스타트업 인수합병이 역대 최대 수준으로 늘었다.",
            "스타트업 M&A 180건 ‘역대 최대’",
            "스타트업 인수합병이 역대 최대 수준으로 늘었다.",
        ),
        # A list before "등" keeps its first item.
        (
            "미 행정부는 11일 반도체 및 제조 장비, 스마트폰, 컴퓨터 등 전자제품에 "
            "대한 관세 예외를 발표했다.",
            "막무가내 관세",
            "미 행정부는 11일 반도체 등 전자제품에 대한 관세 예외를 발표했다.",
        ),
        # A leader is named by surname and title.
        (
            "도널드 트럼프 미국 행정부가 반도체 관세를 두고 며칠 만에 다른 입장을 "
            "보였다.",
            "막무가내 관세",
            "트럼프 행정부가 반도체 관세를 두고 며칠 만에 다른 입장을 보였다.",
        ),
        # Words that only grade go; a term is named by its abbreviation, with
        # the particle its sound takes.
        (
            "한빛전자가 차세대 고대역폭메모리(HBM) 생산 방식을 빠르게 바꾸고 있다.",
            "한빛전자 증산",
            "한빛전자가 HBM 생산 방식을 바꾸고 있다.",
        ),
        (
            "한빛전자 실적이 차세대 인공지능(AI)이 부른 수요로 빠르게 늘고 있다.",
            "한빛전자 실적",
            "한빛전자 실적이 AI가 부른 수요로 늘고 있다.",
        ),
        # The first of two present clauses is the news.
        (
            "부산 아파트 전셋값이 12주 연속 오르며 세입자 부담이 커지고 있다.",
            "부산 전셋값 12주째 상승",
            "부산 아파트 전셋값이 12주 연속 오르고 있다.",
        ),
        # What a name the headline carries is goes; a name read out keeps its
        # Hangul.
        (
            "정부가 청년 창업을 돕는 지원 사업인 누리랩(NURI) 예산을 대폭 늘린다.",
            "누리랩 예산 25% 증액",
            "정부가 누리랩 예산을 대폭 늘린다.",
        ),
        # The occasion or cause the statement answers goes.
        (
            "연말 배당 시즌을 앞두고 고배당주 상장지수펀드(ETF)에 개인 투자자의 "
            "돈이 몰리고 있다.",
            "고배당 ETF에 1.2조 몰렸다",
            "고배당주 ETF에 개인 투자자의 돈이 몰리고 있다.",
        ),
        (
            "정부가 청년 고용률 하락에 대응해 일경험 프로그램을 늘리고 신입 직원을 "
            "채용하는 기업에 대한 지원을 확대한다.",
            "청년 일경험 5만 명으로 확대",
            "정부가 일경험 프로그램을 늘리고 신입 직원을 채용하는 기업에 대한 지원을 "
            "확대한다.",
        ),
        (
            "중소기업 수출이 화장품과 식품 등 K-소비재 인기에 힘입어 3분기 기준 "
            "역대 최대를 기록했다.",
            "중소기업 3분기 수출 ‘역대 최대’",
            "중소기업 수출이 3분기 기준 역대 최대를 기록했다.",
        ),
    ],
)
def test_a_lede_is_told_shorter_for_the_lead(okt, lede, headline, restated):
    assert restate(lede, headline, okt) == restated


@pytest.mark.parametrize(
    ("sentence", "stated"),
    [
        ("22곳이 인력을 감축한 것으로 나타났다.", "22곳이 인력을 감축했다."),
        (
            "전문 교사는 단 한 명도 없는 것으로 나타났다.",
            "전문 교사는 단 한 명도 없다.",
        ),
        ("증원이 어려운 상태인 것으로 나타났다.", "증원이 어려운 상태다."),
        ("체계는 후진국 수준인 것으로 드러났다.", "체계는 후진국 수준이다."),
        ("기조를 긴축으로 잡은 것으로 나타났다.", "기조를 긴축으로 잡았다."),
        ("매출이 20% 늘어난 것으로 집계됐다.", "매출이 20% 늘어났다."),
        ("실적이 개선된 것으로 파악됐다.", "실적이 개선됐다."),
        # A present view stated would read as the writer's; an irregular form
        # ("늘린") and a quotation stay as they are.
        ("인재가 중요하다고 생각하는 것으로 드러났다.", None),
        ("인력을 늘린 것으로 나타났다.", None),
        ("그는 “좋다”고 한 것으로 알려졌다.", None),
    ],
)
def test_a_finding_is_stated(sentence, stated):
    assert drop_finding_tail(sentence) == (stated or sentence)


@pytest.mark.parametrize(
    ("lede", "headline"),
    [
        ("한빛전자가 메모리 반도체 생산을 두 배로 늘린다.", "한빛전자 증산"),
        # Glosses alone do not make it another sentence.
        ("한빛전자(005930)가 인공지능(AI) 칩 생산을 늘린다.", "한빛전자 증산"),
        # Nor does naming a term by its abbreviation.
        ("한빛전자가 고대역폭메모리(HBM) 칩 생산을 늘린다.", "한빛전자 증산"),
        # A subject the headline does not name keeps its description...
        ("AI 칩 수요를 이끄는 한빛전자가 세계 1위에 올랐다.", "메모리 시장 재편"),
        # ...and so does a common noun, which needs it to say which.
        ("AI를 적극 활용하는 기업은 생산성이 30% 높았다.", "AI 활용 기업 생산성"),
        # A concession carrying the headline's topic stays: without "AI" the
        # lede would say the whole system lags.
        (
            "인공지능(AI)을 둘러싼 패권 경쟁이 심화하고 있지만 우리나라의 인재 양성 "
            "체계는 제자리라는 우려가 나온다.",
            "韓 AI전문교사 '0명'",
        ),
        # ...but one it carries stays: the weak yen is the news.
        (
            "엔화 가치가 다시 떨어지면서 일본은행이 다음 달 기준금리를 올릴 수 있다는 "
            "관측이 나온다.",
            "엔화 158엔 약세…日銀 금리 인상 가능성",
        ),
        # Company names in a list are the news.
        ("삼성전자, SK하이닉스, LG전자 등 대기업이 투자를 늘린다.", "대기업 투자"),
        # The clause before people told by what they do says which of them.
        (
            "생성형 AI를 업무에 쓰는 직장인이 절반을 넘어서면서 기업들이 AI 도입에 "
            "속도를 내고 있다.",
            "직장인 절반 “업무에 AI 쓴다”",
        ),
    ],
)
def test_a_lede_that_cannot_be_told_shorter_is_not_restated(okt, lede, headline):
    assert restate(lede, headline, okt) is None


@pytest.mark.parametrize(
    ("previous", "text", "carried"),
    [
        (
            "한빛반도체가 처음으로 세계 최대 반도체 기업으로 올라섰다.",
            "한빛반도체가 AI 칩 수요 증가로 767억 달러의 매출을 기록했다.",
            "AI 칩 수요 증가로 767억 달러의 매출을 기록했다.",
        ),
        # Another subject, a common noun, or a date right after: it stays.
        (
            "한빛반도체가 세계 최대 반도체 기업으로 올라섰다.",
            "누리전자가 2위로 내려앉으며 매출 순위가 바뀌었다.",
            None,
        ),
        (
            "기업은 투자를 줄일 계획이라고 답했다.",
            "기업은 고용도 줄이겠다고 답한 곳이 많았다.",
            None,
        ),
        (
            "세진반도체가 대규모 인력 채용에 나선다.",
            "세진반도체는 20일 신입과 경력 엔지니어 1200명을 채용한다.",
            None,
        ),
    ],
)
def test_a_lead_leaves_out_a_subject_that_carries_on(okt, previous, text, carried):
    assert elide_repeated_subject(previous, text, okt) == (carried or text)


def test_a_survey_named_in_the_sentence_stands_alone():
    assert not needs_context(
        "한국무역협회 설문 조사에서 응답자의 61%가 관세를 가장 큰 위험으로 꼽았다."
    )


def test_a_name_the_article_introduced_earlier_needs_its_introduction():
    earlier = "서울대에는 천재들이 모이는 특수 교육과정인 누리반이 있다."
    sentence = "누리반은 설립자의 이름을 딴 것으로 정부의 의지가 담겨 있다."
    assert introduced_earlier(sentence, earlier, "서울대, AI 몰입교육 확대")
    # So does a name counted: which ones?
    earlier = "2기 신도시 재건축 시범지구의 이주가 2028년부터 본격화한다."
    counted = "시범지구 9곳 2만 가구 가운데 첫 이주 대상은 4000가구다."
    assert introduced_earlier(counted, earlier, "2기 신도시 첫 이주")
    assert not introduced_earlier(counted, earlier, "시범지구 첫 이주")
    # A ministry every reader knows needs no introduction.
    assert not introduced_earlier(
        "교육부는 교사 연수를 실시하겠다고 밝혔다.",
        "14일 교육부와 기획재정부에 따르면 계획이 나왔다.",
        "AI 전문교사 0명",
    )
    # The headline introduces it, or nothing before did: it stands alone.
    assert not introduced_earlier(sentence, earlier, "누리반, AI 몰입교육 확대")
    assert not introduced_earlier(sentence, "", "서울대, AI 몰입교육 확대")
    # A name with its title, or a country everyone knows, introduces itself.
    assert not introduced_earlier(
        "한지호 누리반 교수는 정원을 늘려야 한다고 말했다.", earlier, "AI 교육"
    )
    assert not introduced_earlier(
        "중국은 AI 교육을 정규 과정에 넣었다.", "중국 정부가 계획을 냈다.", "AI 교육"
    )


def test_a_place_told_by_the_head_of_its_name_needs_the_name():
    earlier = "정부가 국가AI컴퓨팅센터에 GPU 1만 5000장을 도입한다."
    short = "센터에 들어가는 연산 장치 가운데 10%는 국산 AI 반도체로 채운다."
    # The headline names the centre, but a lead paragraph is read without it.
    assert introduced_earlier(short, earlier, "국가AI컴퓨팅센터에 GPU 1만5000장")
    assert introduced_earlier("공장은 내년에 완공된다.", "청주공장을 증설한다.", "")
    # Said on its own before, the word means itself.
    assert not introduced_earlier(short, "센터는 세종에 들어선다.", "")
    assert not introduced_earlier(short, "", "")


def test_a_summary_does_not_open_on_a_name_introduced_before_it():
    # The name is introduced by a nominal line a summary cannot use.
    body = (
        "전국의 수학 천재들이 모이는 서울대 특수 교육과정 누리반. "
        "누리반은 설립자의 이름을 딴 것으로 AI 시대를 이끌 인재를 키우겠다는 "
        "정부의 의지가 담겨 있다고 볼 수 있다. "
        "전문가들은 대학 정원 규제를 풀어야 AI 인재를 더 키울 수 있다고 말한다. "
        "서울대는 내년 AI 천재 교육 정원을 200명으로 늘린다. "
        "교육부는 다음 달 AI 인재 양성 세부 계획을 발표할 예정이다."
    )
    summary = ExtractiveSummarizer(min_chars=40, max_chars=200).summarize(
        "AI 천재 키우는 서울대 특수과정", body
    )
    assert len(summary.sentences) == 3
    assert not summary.sentences[0].text.startswith("누리반은")


def test_photo_lines_introduce_nothing():
    assert unread("옥천군 다람쥐택시 이용 모습.")
    assert unread("사진=옥천군 제공", "caption")
    assert not unread("옥천군은 다람쥐택시를 24개 마을로 늘린다고 밝혔다.")


def test_a_subheading_run_into_the_sentence_after_it_is_found():
    # A sub-heading ("…4위 껑충") pasted before the sentence that names its subject.
    assert glued_heading(
        "반도체 호황에 한빛전자도 3위 껑충 한빛전자의 약진도 AI 덕분이다.", set()
    )
    assert not glued_heading(
        "한빛전자는 매출이 늘었고 한빛전자의 영업이익도 두 배가 됐다.", set()
    )
    assert not glued_heading("엔비디아를 제친 한빛전자의 매출은 30% 늘었다.", set())


def test_named_speakers_do_not_need_context():
    assert not needs_context("“지금은 다르다”고 김 지사는 말했다.")
    assert not needs_context("박정우 산업연구원 실장은 수출 둔화를 경고했다.")


def test_news_openings_do_not_lean_back():
    assert not leans_on_previous("이데일리는 20일 신문을 냈다.")
    assert not leans_on_previous("이번 펀드는 1000억원 규모다.")
    assert not leans_on_previous("이재용 회장이 말했다.")


def test_summary_takes_a_back_reference_only_with_its_antecedent():
    body = (
        "골드만삭스가 14일 중국 주요 주가지수 목표치를 내렸다. "
        "블룸버그에 따르면 골드만삭스 전략가는 MSCI 중국 지수 목표치를 81에서 75로 "
        "낮췄다. 이후 목표치를 81로 다시 조정했다는 보도는 사실이 아니었다. "
        "이날 중국 증시는 오름세를 보였다. 미국 정부가 관세를 놓고 오락가락하는 "
        "모습을 보이면서 투자자들의 불안이 커졌다. 홍콩 증시도 함께 흔들렸다."
    )
    summary = ExtractiveSummarizer(min_chars=60, max_chars=300).summarize(
        "골드만삭스, 中 목표가 또 하향", body
    )
    texts = [s.text for s in summary.sentences]
    sentences = [s.strip() + "." for s in body.split(". ") if s.strip()]
    for text in texts:
        if leans_on_previous(text):
            before = sentences[
                [s.rstrip(".") for s in sentences].index(text.rstrip(".")) - 1
            ]
            assert before in texts, (text, texts)
    # Every sentence is still traceable to the source.
    for sentence in summary.sentences:
        assert body[sentence.start : sentence.end] == sentence.text


def test_paragraph_sentences_keep_their_antecedent():
    sentences = [
        StorySentence(
            "메타가 퓨리오사AI 인수를 추진한다.", frozenset({"메타", "인수"}), 0, 0
        ),
        StorySentence(
            "그는 거래가 이달 마무리된다고 말했다.", frozenset({"거래", "이달"}), 0, 1
        ),
        StorySentence("이날 주가는 올랐다.", frozenset({"주가", "메타", "상승"}), 0, 3),
    ]
    chosen = pick_story_sentences(sentences, {"메타"}, SentenceLedger(), count=3)
    texts = [s.text for s in chosen]
    assert texts[:2] == [sentences[0].text, sentences[1].text]
    # "이날" whose sentence before (position 2) is not usable is left out.
    assert sentences[2].text not in texts


def _sentence(text: str, position: int, terms: set[str]) -> StorySentence:
    return StorySentence(text, frozenset(terms), 0, position)


def test_a_sentence_that_announces_the_next_comes_only_with_it():
    focus = {"환율", "수출"}
    both = _sentence("환율 상승은 수출 기업에 호재와 악재가 겹친다.", 0, focus)
    which = _sentence(
        "가격 경쟁력은 높아졌지만 원자재 수입 비용이 늘었다.", 1, {"비용"}
    )
    plan = _sentence("정부는 내년 수출 지원 예산을 늘린다.", 3, {"수출", "예산"})
    chosen = pick_story_sentences(
        [both, which, plan], focus, SentenceLedger(), count=3, near=0.0
    )
    assert [s.text for s in chosen] == [both.text, which.text, plan.text]
    # Without room for what it announces, it stays out.
    chosen = pick_story_sentences(
        [both, which, plan], focus, SentenceLedger(), count=1, near=0.0
    )
    assert both not in chosen


def test_a_plan_comes_only_with_the_sentence_saying_what_became_of_it():
    focus = {"수출", "규제", "h20"}
    plan = _sentence(
        "정부는 추가 수출규제를 준비해 왔으며 여기에 H20도 포함된 것으로 알려졌다.",
        5,
        focus,
    )
    dropped = StorySentence(
        "조만간 이 같은 규제를 시행할 예정이었지만 H20이 규제 리스트에서 빠졌다.",
        frozenset({"규제", "리스트"}),
        0,
        6,
        leans=True,
    )
    chip = _sentence("H20은 중국에 합법적으로 공급 가능한 AI 칩이다.", 7, {"h20", "칩"})
    chosen = pick_story_sentences(
        [plan, dropped, chip], focus, SentenceLedger(), count=3, near=0.0
    )
    assert [s.text for s in chosen] == [plan.text, dropped.text, chip.text]
    # Without room for the turn, the plan would say the opposite: it stays out.
    chosen = pick_story_sentences(
        [plan, dropped, chip], focus, SentenceLedger(), count=1, near=0.0
    )
    assert chosen == [chip]
    assert overturns(dropped.text, plan.text)
    assert not overturns(chip.text, plan.text)


def test_even_a_lenient_paragraph_never_opens_on_a_name_introduced_before():
    focus = {"누리반", "정원"}
    intro = _sentence("서울대에는 수학 천재들이 모이는 누리반이 있다.", 0, {"누리반"})
    named = _sentence("누리반은 설립자의 이름을 딴 과정이다.", 1, {"누리반"})
    more = _sentence("서울대는 내년 AI 정원을 200명으로 늘린다.", 2, {"정원"})
    ledger = SentenceLedger()
    ledger.add(intro.text, intro.terms)  # the 핵심 요약 took the introduction
    chosen = pick_story_sentences(
        [intro, named, more], focus, ledger, count=2, strict=False, title="서울대 AI"
    )
    assert chosen == [more]


@pytest.mark.parametrize(
    "sentence",
    [
        "이번 조사에서 위탁 생산만 하는 업체는 제외됐다.",
        "한빛전자 역시 지난해 같은 부품을 납품했다.",
        "물가 불안 역시 정책에 영향을 미친다.",
        "새로운 목표치는 현재 대비 각각 12%, 15% 높은 수준이다.",
        "이날 주가는 3% 올랐다.",
    ],
)
def test_references_back_that_even_a_lenient_paragraph_honours(sentence):
    assert refers_back(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        # "각각" over what the sentence itself lists.
        "한빛전자와 누리전자는 각각 12%, 15% 늘었다.",
        # A plain report points at nothing before it.
        "한빛전자가 14일 목표치를 내렸다.",
    ],
)
def test_sentences_that_do_not_refer_back(sentence):
    assert not refers_back(sentence)


def test_this_survey_needs_the_survey_named_before_it():
    assert unanchored("이번 조사에서 TSMC는 제외됐다.", "퀄컴은 5위에 머물렀다.")
    assert not unanchored(
        "이번 조사에서 TSMC는 제외됐다.", "가트너가 11일 매출 조사를 발표했다."
    )
    assert not unanchored("TSMC는 제외됐다.", "")
    released = "이번에 발표된 전 세계 반도체 매출 조사에는 AI의 변화가 드러난다."
    assert unanchored(released, "")
    assert not unanchored(released, "가트너가 11일 매출 조사를 발표했다.")
    focus = {"퀄컴", "조사"}
    qualcomm = _sentence("퀄컴은 매출이 늘었지만 5위에 머물렀다.", 4, {"퀄컴"})
    survey = _sentence("이번 조사에서 TSMC는 제외됐다.", 5, {"조사", "tsmc"})
    other = _sentence("인텔은 3위로 내려앉았다.", 9, {"인텔"})
    chosen = pick_story_sentences(
        [qualcomm, survey, other], focus, SentenceLedger(), count=3, strict=False
    )
    assert survey not in chosen and qualcomm in chosen


def test_an_explainers_sub_headings_divide_it_into_passages(db):
    article = Article.objects.create(
        headline="막무가내 관세에 美빅테크 쑥대밭…국채·물가불안 부담도",
        body=(
            "한빛 행정부가 반도체 관세를 두고 며칠 만에 180도 다른 입장을 보이고 있다. "
            "행정부는 11일 전자제품 관세 예외를 발표했다가 13일 이를 뒤집었다. "
            "‘유연성’ 두 번이나 강조한 속내는? "
            "대통령은 13일 관세와 관련해 유연성이라는 단어를 두 번 언급했다. "
            "관세를 매길 경우 미국 빅테크만 피해를 볼 수 있다는 해석이 나온다. "
            "‘국채 던지기’ 부담 키웠나? "
            "국채금리가 일주일 새 0.35%포인트 급등하며 금융위기 가능성까지 거론됐다. "
            "감세 예산안이 하원을 통과하면서 재정적자 우려도 커졌다."
        ),
        source="서울경제",
    )
    text = article_text(article, get_tokenizer("okt"))
    assert text.passages == [0, 0, 1, 1, 2, 2]
    # A section takes its sentences from one passage: the bond market's, not
    # the remark on "유연성" beside it.
    sentences = [
        StorySentence(t, frozenset(okt_nouns(t)), 0, p, passage=b)
        for t, p, b in zip(text.sentences, text.positions, text.passages, strict=True)
    ]
    focus = {"국채", "금리", "유연성", "재정적자"}
    chosen = pick_story_sentences(
        sentences, focus, SentenceLedger(), count=3, one_passage=True
    )
    assert len({s.passage for s in chosen}) == 1 and len(chosen) == 2
    mixed = pick_story_sentences(sentences, focus, SentenceLedger(), count=3)
    assert len({s.passage for s in mixed}) > 1


@pytest.mark.parametrize(
    "text, told",
    [
        (
            "엔비디아가 인텔과 삼성전자(005930)를 제쳤다.",
            "엔비디아가 인텔과 삼성전자를 제쳤다.",
        ),
        ("SK하이닉스(000660)는 4위로 올라섰다.", "SK하이닉스는 4위로 올라섰다."),
        (
            "행정부는 11일(현지 시간)에는 예외를 발표했다.",
            "행정부는 11일에는 예외를 발표했다.",
        ),
        (
            "‘핵심 자원은 인재입니다(The Main Resource is the Human)’ 보고서가 나왔다.",
            "‘핵심 자원은 인재입니다’ 보고서가 나왔다.",
        ),
        # A one-word gloss is how the reader meets the name; a figure stays.
        (
            "딥시크(DeepSeek)가 메모리(HBM)에 20억 달러(약 3조 원)를 썼다.",
            "딥시크(DeepSeek)가 메모리(HBM)에 20억 달러(약 3조 원)를 썼다.",
        ),
    ],
)
def test_a_summary_does_without_asides(text, told):
    assert without_asides(text) == told


def test_an_items_summary_is_told_without_asides(db):
    body = (
        "반도체 열풍을 주도하는 한빛전자(005930)가 세계 최대 반도체 기업으로 올라섰다. "
        "한빛전자의 지난해 매출은 767억 달러로 1년 전보다 120% 늘었다. "
        "메모리 가격이 반등하면서 2위 기업의 매출도 60% 증가했다. "
        "업계는 올해도 인공지능 반도체 수요가 성장을 이끌 것으로 내다봤다."
    )
    article = Article.objects.create(
        headline="한빛전자, 반도체 정점 찍었다", body=body, source="서울경제"
    )
    summary = item_summary(article)
    assert "(005930)" not in summary.text and "한빛전자가" in summary.text
    # Each sentence still points at its source sentence, aside and all.
    for sentence in summary.sentences:
        assert body[sentence["start"] : sentence["end"]] == sentence["text"]
    assert any("(005930)" in sentence["text"] for sentence in summary.sentences)


def test_a_section_tells_the_passage_its_heading_names(okt):
    headline = "그래픽카드 팔던 한빛칩스, 반도체 정점 찍었다"
    texts = [
        (
            "한빛칩스는 누구보다 AI 시대를 빠르게 예측해 GPU 설계 역량을 키워왔다.",
            0,
        ),
        ("여러 GPU를 통합하는 클러스터링 기술도 공격적인 인수로 내재화했다.", 0),
        ("클러스터링 기술은 AI 모델 훈련과 추론에서 타사를 압도하는 원동력이 됐다.", 0),
        (
            "메모리 만년 2위로 불렸던 누리메모리는 고대역폭메모리 개발에 매진해 반도체 "
            "매출을 91% 늘렸다.",
            1,
        ),
        (
            "그 결과 한빛칩스의 주력 공급처로 자리 잡으며 반도체 시장을 이끌고 있다.",
            1,
        ),
        ("올해 반도체 산업 역시 AI 흐름을 탄 기업들이 반도체 정점을 이끌 전망이다.", 1),
    ]
    sentences = [
        StorySentence(text, frozenset(okt_nouns(text)), 0, i, leans=i == 4, passage=p)
        for i, (text, p) in enumerate(texts)
    ]
    story = SimpleNamespace(
        item=SimpleNamespace(
            article=SimpleNamespace(headline=headline, pk=1),
            rank=1,
            matched_keywords=[],
        ),
        texts=[
            SimpleNamespace(
                sentences=[s.text for s in sentences],
                positions=[s.position for s in sentences],
                pivots={},
            )
        ],
        sentences=sentences,
        focus=okt_nouns(headline),
        concepts=[],
    )
    # Left to itself, the pick tells the passage on the supplier, which says
    # "반도체" most; the section tells the one on 한빛칩스, which it heads.
    free = _pick(story, SentenceLedger(), count=4, strict=True, one_passage=True)
    assert {s.passage for s in free} == {1}
    chosen, _ = _section_pick(story, SentenceLedger(), okt, strict=True)
    assert [s.position for s in chosen] == [0, 1, 2]


def okt_nouns(text: str) -> set[str]:
    return {noun.lower() for noun in get_tokenizer("okt").nouns(text)}


def test_a_paragraph_keeps_the_turn_between_two_sides(db):
    article = Article.objects.create(
        headline="베이징만 1100명인데…韓 AI전문교사 '0명'",
        body=(
            "중국 명문대에는 AI 천재를 키우는 특수반이 개설돼 있다. 한국은 정반대다. "
            "서울을 비롯한 수도권 대학은 입학 정원이 26년간 묶여 있다."
        ),
        source="서울경제",
    )
    text = article_text(article, get_tokenizer("okt"))
    assert list(text.pivots.values()) == ["한국은 정반대다."]
    china, korea = (
        StorySentence(t, frozenset(), 0, p)
        for t, p in zip(text.sentences, text.positions, strict=True)
    )
    story = SimpleNamespace(texts=[text])
    ledger = SentenceLedger()
    told = _with_pivots(story, [china, korea], ledger, lambda s: s.text)
    assert told == [china.text, "한국은 정반대다.", korea.text]
    # Told once in a briefing; and only between two sides it separates.
    assert _with_pivots(story, [china, korea], ledger, lambda s: s.text) == [
        china.text,
        korea.text,
    ]
    assert _with_pivots(story, [korea], SentenceLedger(), lambda s: s.text) == [
        korea.text
    ]


def test_a_paragraph_keeps_to_one_passage_of_its_article():
    focus = {"관세", "애플"}
    first = _sentence("대통령은 애플 관세에 유연성이라는 말을 두 번 썼다.", 5, focus)
    # Told on its own, the sentence near the top of the article says more; the
    # one right after the first reads on from it and is taken instead.
    far = _sentence("애플은 인도에서 아이폰 생산을 늘린다.", 2, {"애플", "인도"})
    near = _sentence("애플은 중국에서 아이폰의 90%를 만든다.", 6, {"애플", "중국"})
    chosen = pick_story_sentences([first, far, near], focus, SentenceLedger(), count=2)
    assert chosen == [first, near]


def test_a_lead_paragraph_opens_on_what_happened():
    focus = {"관세", "유예"}
    chosen = [
        _sentence(
            "대통령은 관세와 관련해 유연성이라는 단어를 두 번 썼다.", 2, {"관세"}
        ),
        _sentence(
            "정부는 국채금리가 급등하자 9일 상호관세를 90일 유예했다.",
            6,
            {"관세", "유예", "국채"},
        ),
        _sentence("물가가 부담스러울 수밖에 없다.", 9, {"물가"}),
    ]
    ordered = opener_first(chosen, focus)
    assert ordered[0] is chosen[1]
    assert [s.position for s in ordered[1:]] == [2, 9]  # the rest in reading order
    # A judgement or a sentence leaning back never opens the day's story.
    assert not opens_story(chosen[2])
    assert not opens_story(_sentence("이날 주가는 3% 올랐다.", 4, {"주가"}))
    assert opens_story(chosen[1])
    # Last week's backdrop gives way to the day's event in an article of the 15th.
    backdrop = _sentence(
        "정부는 4일 관세를 올렸다가 9일 상호관세를 90일 유예했다.", 1, {"관세", "유예"}
    )
    today = _sentence("정부는 14일 반도체 관세 유예를 끝냈다.", 5, {"관세", "유예"})
    assert opener_first([backdrop, today], focus, day=15)[0] is today
    assert opener_first([backdrop, today], focus)[0] is backdrop


def _item(pk, headline, summary):
    """A composed item as the lead's restatements read it."""
    return SimpleNamespace(
        article=SimpleNamespace(pk=pk), headline=headline, summary=summary
    )


def test_a_lede_without_a_figure_goes_on_with_what_happened(okt):
    vague = _item(
        1,
        "막무가내 관세",
        "한빛 행정부가 관세를 두고 며칠 만에 180도 다른 입장을 보이고 있다. "
        "한빛 행정부는 11일(현지 시간) 반도체 및 제조 장비, 스마트폰, 컴퓨터 등 "
        "전자제품에 관세 예외를 발표했다가 13일 품목 관세에 넣겠다고 했다. 셋째다.",
    )
    figured = _item(
        2,
        "누리캐피털 목표가 하향",
        "누리캐피털이 중국 지수 목표치를 81에서 75로 낮췄다. 누리캐피털은 반도체 및 "
        "제조 장비, 스마트폰, 컴퓨터 등 전자제품 수출이 줄 것으로 봤다.",
    )
    dated = _item(
        3,
        "누리전자 증산",
        "누리전자가 14일 메모리 증산에 나섰다. 누리전자는 이날 반도체 및 제조 장비, "
        "스마트폰, 컴퓨터 등 전자제품 수요가 늘었다고 설명했다.",
    )
    openers = {1: "opener", 2: "opener", 3: "opener"}
    followers = _restated_followers([vague, figured, dated], openers, okt)
    assert followers[1] == (
        "한빛 행정부는 11일 반도체 등 전자제품에 관세 예외를 발표했다가 13일 품목 "
        "관세에 넣겠다고 했다."
    )
    assert 2 not in followers  # its lede has the figure already
    # "이날" takes the day the lede reports ("14일" is a date, not a figure).
    assert followers[3].startswith("누리전자는 14일 반도체 등 전자제품 수요가")
    # Without an opener of its own a story takes no follower.
    assert _restated_followers([vague], {}, okt) == {}


def test_a_paragraph_does_not_say_it_was_found_twice_in_a_row():
    texts = [
        "전문 교사는 단 한 명도 없는 것으로 나타났다.",
        "대학 AI 학과는 증원이 어려운 상태인 것으로 나타났다.",
        "중국에는 AI 학과가 535곳에 이르는 것으로 집계됐다.",
    ]
    assert _varied_endings(texts) == [
        texts[0],
        "대학 AI 학과는 증원이 어려운 상태다.",
        texts[2],
    ]


def test_a_lede_that_cannot_be_told_shorter_gives_way_to_the_next(okt):
    plain = _item(
        1,
        "스타트업 M&A 180건 역대 최대",
        "스타트업 인수합병이 역대 최대로 늘었다. 투자 혹한기가 길어지면서 올해 "
        "1~10월 국내 스타트업 M&A 건수는 180건으로 지난해 연간 기록인 142건을 "
        "넘어섰다. 셋째 문장이다.",
    )
    openers = _restated_ledes([plain], okt)
    assert openers[1] == (
        "올해 1~10월 국내 스타트업 M&A 건수는 180건으로 지난해 연간 기록인 142건을 "
        "넘어섰다."
    )
    # The lead then takes no follower told from the same sentence.
    assert _restated_followers([plain], openers, okt) == {}


def test_a_lead_paragraph_keeps_its_opener_and_follower_within_budget():
    long = "가" * 150
    texts = ["오프너다.", "팔로워다.", long, long]
    kept = _within_budget(texts, 2, keep=2)
    assert kept[:2] == ["오프너다.", "팔로워다."]
    assert len(" ".join(kept)) <= LEAD_PARAGRAPH_CHARS or len(kept) == 2


def test_a_lead_paragraph_closes_on_what_the_story_means_here():
    chosen = [
        _sentence("프랑스가 AI 인프라에 160조 원을 투자한다.", 0, {"프랑스", "투자"})
    ]
    rest = [
        _sentence("마크롱 대통령이 정상회의를 열었다.", 3, {"마크롱", "정상회의"}),
        _sentence(
            "업계는 국내 반도체 기업이 핵심 파트너로 참여할 가능성을 점친다.",
            5,
            {"반도체", "파트너"},
        ),
    ]
    ledger = SentenceLedger()
    closer = pick_closer([*chosen, *rest], chosen, ledger, focus={"투자"})
    assert closer is rest[1]
    assert ledger.repeats(closer.text, closer.terms)  # recorded: never used twice
    # Without an outlook for Korea or the reader's interests there is no closer.
    assert pick_closer([*chosen, rest[0]], chosen, SentenceLedger()) is None
    # The reader's own interest keywords make one.
    founder = _sentence(
        "스타트업에는 경량 모델이 비용을 줄일 대안이 될 수 있다.", 7, {"모델"}
    )
    assert (
        pick_closer([*chosen, founder], chosen, SentenceLedger(), words=["스타트업"])
        is founder
    )


def test_first_person_voice_and_attribution_tails():
    assert is_first_person("증시를 보면서 허탈감이 밀려왔다.")
    assert is_first_person("필자는 그 결정에 반대한다.")
    assert not is_first_person("삼성SDI가 양산에 돌입했다.")
    assert (
        drop_attribution("오픈AI는 GPT-4.1 시리즈 API를 출시한다고 밝혔다.")
        == "오픈AI는 GPT-4.1 시리즈 API를 출시한다."
    )
    assert (
        drop_attribution("회사는 공장을 세울 계획이라고 밝혔다.")
        == "회사는 공장을 세울 계획이다."
    )
    quoted = "그는 “늘리겠다”고 밝혔다."
    assert drop_attribution(quoted) == quoted


# ---------------------------------------------------------------- headings


@pytest.mark.parametrize(
    ("headline", "heading"),
    [
        (
            "앞서가는 삼성SDI, 국내 첫 46파이 배터리 양산",
            "삼성SDI의 국내 첫 46파이 배터리 양산",
        ),
        (
            "KT, 기업 대상 AX 매출 2028년까지 3배 이상 확대",
            "KT의 기업 대상 AX 매출 3배 이상 확대",
        ),
        (
            "美 보조금 리스크에…SK온 ‘폐배터리 합작공장’ 중단",
            "SK온 폐배터리 합작공장 중단",
        ),
        ("찬성 돌아선 KT…티빙·웨이브 합병 속도", "티빙·웨이브 합병 속도"),
        ("100조 투입…‘제조업 방어막’ 친다", "100조 투입과 제조업 방어막"),
        # A time word a predicate left goes, and a segment that says enough on
        # its own heads instead of being joined on.
        (
            "연말정산 ‘13월의 월급’ 챙기려면…연금저축·IRP 연말까지 채워야",
            "연말정산 13월의 월급",
        ),
        # A clause describing the subject, and an adverb, are not the heading.
        (
            "“전설의 서막”…부품 팔던 한빛전자, 반도체 정점 찍었다",
            "한빛전자의 반도체 정점",
        ),
        ("한빛 H30 수출길 열렸다…부품업계, 일단 '안도'", "부품업계의 안도"),
        (
            "\"30조 슈퍼 추경해야\" 김동연이 꺼낸 재정원칙 'R.E.D'는?",
            "30조 슈퍼 추경 필요",
        ),
    ],
)
def test_headings_are_the_headlines_noun_phrase(okt, headline, heading):
    assert headline_heading(headline, okt) == heading
    assert not bare_noun_heading(heading)


@pytest.mark.parametrize(
    ("text", "abbreviated"),
    [
        # Every place of the term, with the particle its sound takes.
        ("인공지능(AI)이 인공지능을 바꾼다.", "AI가 AI를 바꾼다."),
        ("최고경영자(CEO)의 상당수가 답했다.", "CEO의 상당수가 답했다."),
        ("고대역폭메모리(HBM)을 만든다.", "HBM을 만든다."),
        # A form it cannot fit ("…이다") keeps the term and its gloss.
        ("핵심은 인공지능(AI)이다.", "핵심은 인공지능(AI)이다."),
    ],
)
def test_a_glossed_term_is_named_by_its_abbreviation(text, abbreviated):
    assert abbreviate(text) == abbreviated


@pytest.mark.parametrize(
    ("heading", "spelled"),
    [
        ("한빛의 北美 빅테크와 공급 계약", "한빛의 북미 빅테크와 공급 계약"),
        ("美의 반도체 품목 관세", "미국의 반도체 품목 관세"),
        ("美빅테크 쑥대밭", "미국 빅테크 쑥대밭"),
        ("美中 무역전쟁 격화", "미중 무역전쟁 격화"),
        ("中 목표가 하향", "중국 목표가 하향"),
    ],
)
def test_a_heading_spells_out_a_headlines_countries(heading, spelled):
    assert spelled_countries(heading) == spelled


def test_bare_noun_headings_are_recognised():
    for heading in (
        "관세와 고율",
        "관세와 이달",
        "개발사와 개발사 오픈AI",
        "칭기와 고인골",
    ):
        assert bare_noun_heading(heading), heading


def test_concepts_and_keywords(okt):
    assert (
        concept_phrase("삼성SDI의 국내 첫 46파이 배터리 양산", okt) == "46파이 배터리"
    )
    assert concept_phrase("30조 슈퍼 추경 필요", okt) == "슈퍼 추경"
    excluded = {"CEO", "정윤호"}
    for keyword in ("46파이 배터리", "산업방어기금", "B2B AI 시장", "HBM4 공급"):
        assert acceptable_keyword(keyword, excluded=excluded), keyword
    for keyword in (
        "이데일리 신문", "14일", "올해", "CEO", "정윤호", "AI", "미국", "정보",
        "올트먼 최고경영자", "기반 휴머노이드 로봇",
        # A headline's figure of speech, and people, are no concept.
        "반도체 정점", "관세 직격탄", "AI 연구자", "반도체 전문가",
        # A drift is no concept either ("AI 흐름 성장세" heads nothing).
        "AI 흐름", "AI 물결",
        # A headline's amount or predicate is no concept.
        "공장 가동률 50%로", "GPU 1만5000장", "2.25%로 0.25%p 인하",
        "자영업자 냉랭", "카드수수료 최대", "역대 최대", "채용박람회 내일 개막",
    ):  # fmt: skip
        assert not acceptable_keyword(keyword, excluded=excluded), keyword


# ------------------------------------------------------------------ report


def test_quality_report_checks():
    report = quality_report(
        BriefingText(
            lead="증시를 보면서 허탈감이 밀려왔다. 한국도 고민해야 할 때다.\n\n"
            "이날 지수는 75로 낮아졌다. 지수는 81에서 75로 조정됐다.",
            sections=[
                ("관세와 고율", "Q. 부담 키웠나 A. 불안감이 커지고 있다."),
                ("좋은 제목의 주제", ""),
            ],
            items=[
                ItemText(1, "[여명] AI", "다음은 20일자 신문 주요 뉴스다.", "opinion"),
                ItemText(2, "뉴스", "지수는 81에서 75로 조정됐다. 좋은 문장이다."),
            ],
            keywords=["관세", "AI", "이데일리 신문"],
            sources=["지수 81에서 75"],
            excluded_keywords={"이데일리"},
            generic_keywords={"AI"},
        )
    )
    checks = {(f["check"], f["part"]) for f in report}
    assert ("first_person", "lead") in checks
    assert ("dangling", "lead") in checks
    assert ("qa_marker", "section:1") in checks
    assert ("bare_heading", "section:1") in checks
    assert ("empty_section", "section:2") in checks
    assert ("missing_section", "section:1") in checks
    assert ("furniture", "item:1") in checks
    assert ("column", "item:1") in checks
    assert ("repeated", "item:2") in checks
    assert ("few_items", "items") in checks
    assert ("few_keywords", "keywords") in checks
    generic = [f["excerpt"] for f in report if f["check"] == "generic_keyword"]
    assert sorted(generic) == ["AI", "이데일리 신문"]
    severities = {f["check"]: f["severity"] for f in report}
    assert severities["qa_marker"] == "hard" and severities["dangling"] == "soft"
    # Every message is for editors: Korean words, no codes.
    assert all("_" not in f["message"] for f in report)


def test_report_flags_a_heading_its_paragraph_does_not_open_on():
    def report(heading, body):
        return quality_report(
            BriefingText(
                lead="",
                sections=[(heading, body)],
                items=[],
                keywords=[],
                sections_wanted=1,
                items_wanted=0,
                keywords_wanted=0,
                lead_paragraphs_wanted=0,
            )
        )

    flexible = (
        "대통령은 13일 관세와 관련해 유연성이라는 단어를 두 번 언급했다. "
        "그는 “고집을 부려서는 안 된다”고 말했다. "
        "애플은 중국에서 아이폰의 약 90%를 생산한다. "
        "앞서 대통령은 4일 국채금리가 급등하자 9일 관세를 유예했다."
    )
    found = report("국채 시장 우려", flexible)
    assert [f["check"] for f in found] == ["off_heading"]
    # Named by the third sentence, as the paper's own paragraphs do, it fits.
    assert (
        report(
            "국채 시장 우려",
            flexible.replace("애플은 중국에서 아이폰의 약 90%를 생산한다. ", ""),
        )
        == []
    )
    assert "‘국채’가" in found[0]["message"] and found[0]["excerpt"] == "국채 시장 우려"
    # Named in the opening (by its stem: "목표가" by "목표치"), nothing is found;
    # a short turn does not count as a sentence of the opening.
    assert (
        report("중국 목표가 하향", "누리캐피털이 14일 중국 지수 목표치를 내렸다.") == []
    )
    # The specific word counts, not a word every theme could carry.
    assert (
        report("정산 서비스 투자", "모아핀의 정산 솔루션이 300억 원을 유치했다.") == []
    )
    turn = (
        "중국 명문대에는 AI 천재를 키우는 특수반이 개설돼 있다. 한국은 정반대다. "
        "서울을 비롯한 수도권 대학은 입학 정원이 26년간 묶여 있다."
    )
    assert report("수도권 대학 규제", turn) == []


def test_a_section_opens_on_what_its_heading_names(okt):
    story = SimpleNamespace(
        item=SimpleNamespace(
            article=SimpleNamespace(
                headline="막무가내 관세에 美빅테크 쑥대밭…국채·물가불안 부담도"
            )
        ),
        texts=[],
        concepts=["국채 시장", "품목 관세"],
    )
    flexible = "대통령은 13일 관세와 관련해 유연성이라는 단어를 두 번 언급했다."
    quote = "그는 “고집을 부려서는 안 된다”고 말했다."
    bonds = (
        "대통령은 이달 4일 국채 시장이 흔들리며 국채금리가 급등하자 9일 관세를 "
        "90일 유예했다."
    )
    heading, body = _headed(story, [flexible, quote, bonds], 0, okt)
    assert body == " ".join([bonds, flexible, quote])
    assert "국채" in heading and heading_missing_from(heading, body) == ""
    # A restated lede kept first stays first.
    lede = "한빛 행정부가 관세를 두고 며칠 만에 180도 다른 입장을 보이고 있다."
    heading, body = _headed(story, [lede, flexible, quote, bonds], 1, okt)
    assert body.startswith(lede + " " + bonds)
    # No sentence can open on it: the paragraph keeps its order and the
    # heading stays, for the quality report to point out.
    heading, body = _headed(story, [flexible, quote], 0, okt)
    assert body == f"{flexible} {quote}"
    assert heading_missing_from(heading, body)


def _story_of(headline, sentences, concepts=()):
    """A story of one article whose usable sentences are ``sentences``."""
    told = [
        StorySentence(text, frozenset(), 0, position, leans=leans)
        for position, (text, leans) in enumerate(sentences)
    ]
    text = SimpleNamespace(
        sentences=[s.text for s in told], positions=[s.position for s in told]
    )
    return SimpleNamespace(
        item=SimpleNamespace(article=SimpleNamespace(headline=headline)),
        texts=[text],
        sentences=told,
        concepts=list(concepts),
    )


def test_a_section_takes_the_sentence_naming_its_subject(okt):
    lede = "세진반도체가 북미 빅테크와 4조 원 규모의 공급 계약을 맺었다."
    raised = "증권사 7곳이 19일 세진반도체 목표주가를 평균 17% 상향했다."
    quote = "한 연구원은 “가시성이 높아졌다”며 “추정치를 올린다”고 밝혔다."
    doubt = "다만 단기 급등에 따른 부담을 지적하는 목소리도 있다."
    term = "계약 기간은 내년 1월부터 2028년 6월까지다."
    story = _story_of(
        "HBM 계약에 세진반도체 18% 급등",
        [(lede, False), (raised, False), (quote, False), (doubt, True), (term, False)],
    )
    ledger = SentenceLedger()
    ledger.add(lede, frozenset())  # the 핵심 요약 told the lede
    heading, body = _headed(story, [quote, doubt, term], 0, okt, ledger=ledger)
    # No sentence of the paragraph names the company: the story's untold
    # standalone sentence that does opens it, and the briefing now holds it.
    assert heading == "세진반도체 급등"
    assert body.startswith(raised + " " + quote)
    assert ledger.told(raised)
    # The lede the briefing has told is never taken again.
    ledger = SentenceLedger()
    for text in (lede, raised):
        ledger.add(text, frozenset())
    heading, body = _headed(story, [quote, doubt, term], 0, okt, ledger=ledger)
    assert body == " ".join([quote, doubt, term])


def test_a_subject_sentence_that_leans_comes_after_what_it_leans_on(okt):
    flexible = "대통령은 13일 관세와 관련해 유연성이라는 단어를 두 번 언급했다."
    apple = "이는 사실상 애플을 언급한 발언으로 읽힌다."
    bigtech = "관세를 매길 경우 미국 빅테크만 피해를 볼 수 있다는 해석이 나온다."
    made = "아이폰의 약 90%가 중국에서 생산된다."
    story = _story_of(
        "막무가내 관세에 美빅테크 쑥대밭",
        [(flexible, False), (apple, True), (bigtech, True), (made, False)],
    )
    heading, body = _headed(story, [flexible, made], 0, okt, ledger=SentenceLedger())
    assert heading == "미국 빅테크 타격"
    assert body == " ".join([flexible, apple, bigtech, made])


def _ranked_story(rank, headline, sentences):
    """A story at ``rank`` whose standalone sentences are ``sentences``."""
    story = _story_of(headline, [(text, False) for text in sentences])
    story.item = SimpleNamespace(
        rank=rank,
        article=SimpleNamespace(
            pk=rank, headline=headline, source="", section="", published_at=None
        ),
    )
    story.texts[0].pivots = {}
    story.focus = set()
    return story


def test_a_story_whose_paragraph_cannot_name_its_heading_gives_way(okt):
    # The lead told the 전세 side of the top story; what is left of it is on the
    # owners' contributions, which "■ … 전세 대란 우려" does not head.
    leftover = _ranked_story(
        1,
        "신도시 재건축 첫 이주…이주민 전세 대란 우려에 1만 가구 공급",
        [
            "공사비 상승으로 가구당 분담금이 3억~5억 원에 이를 수 있다는 추정이다.",
            "고령 소유주가 많은 단지에서는 사업이 늦어질 수 있다는 걱정이 나온다.",
            "한 추진위원장은 용적률 상향과 공공기여 조정을 요구했다.",
        ],
    )
    others = [
        _ranked_story(
            rank,
            headline,
            [f"{subject}{rest}" for rest in ("의 첫 문장이다.", "의 둘째 문장이다.",
                                              "의 셋째 문장이다.")],
        )
        for rank, headline, subject in (
            (2, "한빛전자 새 공장 착공", "한빛전자 공장"),
            (3, "누리은행 예금 금리 인하", "누리은행 금리"),
            (4, "가람제약 신약 허가", "가람제약 신약"),
        )
    ]  # fmt: skip
    stories = [leftover, *others]
    sections, _ = _sections(stories, SentenceLedger(), okt)
    assert [section.ranks for section in sections] == [[2], [3], [4]]
    # With nothing to take its place, it keeps its section (and the report
    # points the editor at the heading).
    sections, _ = _sections(stories[:3], SentenceLedger(), okt)
    assert [section.ranks for section in sections] == [[1], [2], [3]]
    assert heading_missing_from(sections[0].heading, sections[0].body)


def test_a_lead_takes_first_the_stories_whose_lede_it_can_tell():
    def story(rank, group, subject, facts):
        told = _ranked_story(rank, f"{subject} 소식", [text for text, _ in facts])
        told.item.group = group
        told.item.matched_keywords = []
        told.focus = {subject}
        told.sentences = [
            StorySentence(s.text, frozenset({subject, *words}), 0, s.position)
            for s, (_, words) in zip(told.sentences, facts, strict=True)
        ]
        return told

    stories = [
        story(1, "interest", "한빛전자", [
            ("한빛전자는 올해 매출 1조 원을 기록했다.", {"매출", "올해"}),
            ("한빛전자는 베트남에 공장을 짓는다.", {"베트남", "공장"}),
        ]),
        story(2, "interest", "누리은행", [
            ("누리은행은 예금 금리를 0.2%포인트 내렸다.", {"예금", "금리"}),
            ("누리은행은 지점 30곳을 닫는다.", {"지점", "폐쇄"}),
        ]),
        story(3, "interest", "가람제약", [
            ("가람제약은 미국 임상 3상에 들어간다.", {"미국", "임상"}),
            ("가람제약은 연구 인력 200명을 뽑는다.", {"연구", "채용"}),
        ]),
        story(4, "reference", "다온식품", [
            ("다온식품은 라면 값을 8% 올린다.", {"라면", "가격"}),
            ("다온식품은 수출 물량을 늘린다.", {"수출", "물량"}),
        ]),
    ]  # fmt: skip
    # Only the third story's lede can be told shorter.
    openers = {3: "가람제약이 신약 허가를 받았다."}
    lead = _lead(stories, SentenceLedger(), paragraphs=2, openers=openers)
    # It gets a paragraph though ranked third; the paragraphs keep rank order.
    assert len(lead) == 2
    assert lead[0].startswith("한빛전자")
    assert lead[1].startswith(openers[3])


def test_every_top_story_is_named_among_the_keywords(okt):
    from prism.services.briefing_keywords import briefing_keywords

    def story(group, concepts):
        return SimpleNamespace(
            item=SimpleNamespace(group=group),
            texts=[SimpleNamespace(names=frozenset())],
            concepts=concepts,
        )

    stories = [
        story("interest", ["연말정산"]),  # no phrase: its headline's word
        story("interest", ["스타트업"]),  # the reader type's own word: not alone
        story("interest", ["대출 금리", "디딤돌 대출"]),
        story("reference", ["외식 물가", "칼국수 가격"]),
        story("reference", ["가구 공급"]),
        story("reference", ["필수품목 가격"]),
        story("reference", ["공모주 청약"]),
    ]
    selection = SimpleNamespace(reader_type=SimpleNamespace(name="스타트업 창업자"))
    keywords = briefing_keywords(selection, None, stories, okt)
    assert keywords == [
        "연말정산",
        "대출 금리",
        "외식 물가",
        "가구 공급",
        "필수품목 가격",
    ]


def test_a_lead_gives_a_figure_once():
    paragraph = (
        "한빛전자 매출은 120.1% 늘어난 767억 달러를 기록했다. "
        "누리반도체의 성장률은 91.5%로 한빛전자(120.1%)를 제외하면 가장 높았다."
    )
    assert _figures_once(paragraph) == paragraph.replace("(120.1%)", "")
    # A figure not told before stays.
    assert _figures_once("누리반도체(91.5%)가 뒤를 이었다.") == (
        "누리반도체(91.5%)가 뒤를 이었다."
    )


@pytest.mark.parametrize(
    ("text", "weak"),
    [
        ("전문가들은 금리 재산정 주기를 꼼꼼히 비교해야 한다고 조언했다.", True),
        ("3억 원을 30년 만기로 빌린 차주라면 월 상환액이 약 4만 원 줄어든다.", True),
        ("누리은행은 20일 주택담보대출 금리를 0.2%포인트 내렸다.", False),
    ],
)
def test_advice_and_suppositions_open_no_lead_paragraph(text, weak):
    assert weak_opening(text) is weak


def test_an_agency_is_named_in_full_the_first_time():
    sources = (
        "중소벤처기업부는 20일 예산을 늘렸다. 한국지능정보사회진흥원(NIA)이 조사했다. "
        "산업통상부도 나섰다."
    )
    parts = [
        "중기부는 팁스 예산을 늘린다. 중기부는 모태펀드도 늘린다.",
        "NIA 관계자는 “교육이 필요하다”고 말했다. 산업부는 말을 아꼈다.",
        "중기부는 내년에 다시 본다.",
    ]
    assert spelled_out_first(parts, sources) == [
        "중소벤처기업부는 팁스 예산을 늘린다. 중기부는 모태펀드도 늘린다.",
        # (No source spells 산업부 "산업통상자원부": it stays.)
        "한국지능정보사회진흥원(NIA) 관계자는 “교육이 필요하다”고 말했다. "
        "산업부는 말을 아꼈다.",
        "중기부는 내년에 다시 본다.",
    ]
    # A full name is no short name to spell out again ("금융위원회원회는").
    assert spelled_out_first(
        ["금융위원회는 18일 의견을 냈다. 금융위는 또 말했다."], "금융위원회가 금융위"
    ) == ["금융위원회는 18일 의견을 냈다. 금융위는 또 말했다."]
    assert spelled_out_first(["금융위는 의견을 냈다."], "금융위원회가") == [
        "금융위원회는 의견을 냈다."
    ]


def test_a_heading_may_name_a_group_by_its_members():
    body = (
        "애플은 중국에서 아이폰의 약 90%를 생산한다. "
        "관세가 부과되면 삼성전자와의 가격 경쟁에서 밀릴 수 있다."
    )
    assert heading_missing_from("미국 빅테크 타격", body) == ""
    assert heading_missing_from("미국 빅테크 타격", body.replace("애플은", "업체는"))


def test_a_section_can_take_another_part_of_its_headline(okt):
    story = _story_of("환율 1470원 재돌파…외환당국 “쏠림 현상에 적극 대응”", [])
    body = (
        "장 초반 환율이 1473원까지 오르자 재정경제부와 한국은행은 공동 입장문을 냈다. "
        "당국의 발언이 나온 뒤 환율은 1466원대로 내려왔다."
    )
    heading, _ = _headed(story, split(body), 0, okt, ledger=SentenceLedger())
    assert heading == "환율 1470원 재돌파"


def split(body):
    return [s.text for s in split_sentences(body)]


def test_this_day_is_the_day_before_or_the_news_day_of_the_opening():
    story = _story_of(
        "세진반도체 급등",
        [
            ("19일 유가증권시장에서 세진반도체는 18.4% 오른 값에 마감했다.", False),
            ("계약 금액은 지난해 매출의 21%에 해당한다.", False),
            ("주요 증권사 7곳이 이날 목표주가를 평균 17% 상향했다.", False),
            ("외국인은 20일 세진반도체 주식을 사들였다.", False),
            ("기관은 이날 팔았다.", False),
        ],
    )
    # The sentence before says no day: the opening's news day.
    assert _this_day(story, story.sentences[2]) == 19
    # The sentence before says one: that day.
    assert _this_day(story, story.sentences[4]) == 20
    # A background day told later is no news day: the sentence stays out
    # (the day it stands for was the 10th, told in the fourth sentence).
    later = _story_of(
        "중학개미 손실",
        [
            ("홍콩 주식 보관액이 일주일 새 6000억 원 줄었다.", False),
            ("중학개미들은 매수세를 확대해왔다.", False),
            ("전문가들은 반등이 어렵다고 본다.", False),
            ("10일 한국예탁결제원에 따르면 보관금액이 줄었다.", False),
            ("중학 개미는 이달(2일, 4일) 들어서야 매도 우위로 돌아섰다.", False),
            ("우려스러운 대목은 치킨 게임이 누그러들지 않는다는 점이다.", False),
            ("중국은 이날 보복관세를 84%까지 올렸다.", False),
        ],
    )
    assert _this_day(later, later.sentences[6]) == 0
    # An opening that tells two days names no news day: the poll published on
    # the 13th is not dated the 11th.
    two_days = _story_of(
        "막무가내 관세",
        [
            ("미 행정부는 이달 11일 예외를 발표했다가 13일 관세에 포함했다.", False),
            ("대통령은 유연성을 언급했다.", False),
            ("방송사가 8~11일 조사해 이날 발표한 결과 75%가 답했다.", False),
        ],
    )
    assert _this_day(two_days, two_days.sentences[2]) == 0
    alone = _story_of("증권사 상향", [("증권사들이 이날 목표가를 올렸다.", False)])
    assert _this_day(alone, alone.sentences[0]) == 0


def test_report_flags_a_figure_no_source_has():
    report = quality_report(
        BriefingText(
            lead="한빛전자 매출은 9999조 원으로 늘었다. 영업이익도 12% 늘었다.",
            sections=[],
            items=[],
            keywords=[],
            sources=["한빛전자 영업이익은 12% 늘었다."],
            sections_wanted=0,
            items_wanted=0,
            keywords_wanted=0,
            lead_paragraphs_wanted=0,
        )
    )
    assert [f["check"] for f in report] == ["unsourced_number"]
    assert "9999" in report[0]["message"]


# --------------------------------------------------------------- selection


def _news(make_article, headline, words, hours, **fields):
    body = " ".join(
        f"{words} 관련 소식이 이어졌다 {n}번째 문장이다." for n in range(30)
    )
    return make_article(
        headline=headline,
        body=body,
        published_at=timezone.now() - dt.timedelta(hours=hours),
        **fields,
    )


def test_a_thin_window_is_widened_and_says_so(make_article, reader_type):
    clear_caches()
    for n in range(6):
        _news(make_article, f"반도체 수출 {n}", f"반도체{n} 수출{n} 기업{n}", 50 + n)
    selection = briefing_select(
        reader_type=reader_type, edition_date=timezone.localdate(), now=timezone.now()
    )
    assert len(selection.items) == 6
    assert any("72시간으로 넓혔습니다" in note for note in selection.notes)


def test_columns_digests_and_furniture_are_not_selected(make_article, reader_type):
    clear_caches()
    column = _news(make_article, "[여명] 반도체 단상", "반도체 수출", 1, kind="opinion")
    digest = _news(
        make_article, "[미리보는 신문] 반도체", "반도체 수출", 1, kind="digest"
    )
    for n in range(6):
        _news(make_article, f"수출 뉴스 {n}", f"수출{n} 반도체{n} 시장{n}", 2 + n)
    now = timezone.now()
    chosen = {
        i.article.pk
        for i in briefing_select(
            reader_type=reader_type, edition_date=timezone.localdate(), now=now
        ).items
    }
    assert column.pk not in chosen and digest.pk not in chosen
    # A reader type may take columns, as reference items only.
    reader_type.allow_opinion = True
    reader_type.save()
    clear_caches()
    selection = briefing_select(
        reader_type=reader_type, edition_date=timezone.localdate(), now=now
    )
    for item in selection.items:
        if item.article.pk == column.pk:
            assert item.group == "reference"
    assert digest.pk not in {i.article.pk for i in selection.items}


NOUNS = (
    "항만 물류 선박 운임 컨테이너 조선 해운 부두 화물 창고 철강 합금 구리 니켈 "
    "배터리 전지 양극재 음극재 분리막 전해질 카드 연체 대출 예금 적금 보험 연금 "
    "펀드 채권 국채 환율 달러 엔화 유로 위안 금값"
).split()


def _distinct(make_article, n, headline, hours, **fields):
    """An article whose body shares no word with the other ``_distinct`` ones."""
    own = NOUNS[n * 4 : n * 4 + 4]
    body = " ".join(f"{own[k % 4]}{k}" for k in range(200))
    return make_article(
        headline=headline,
        body=f"{headline}. {body}.",
        published_at=timezone.now() - dt.timedelta(hours=hours),
        **fields,
    )


def test_undated_interest_items_make_way_for_dated_ones_of_a_wider_window(
    make_article, reader_type
):
    clear_caches()
    # Inside 36 hours: six undated records, fresh by their import time only.
    for n in range(6):
        _distinct(
            make_article, n, f"관세 {NOUNS[n * 4]}", 1, published_at_estimated=True
        )
    # Two days old, dated by their paper, on the CEO's interests.
    dated = [
        _distinct(make_article, 6 + n, f"HBM {NOUNS[(6 + n) * 4]}", 50 + n)
        for n in range(3)
    ]
    selection = briefing_select(
        reader_type=reader_type, edition_date=timezone.localdate(), now=timezone.now()
    )
    assert {i.article.pk for i in selection.interest_items} == {a.pk for a in dated}
    assert any("72시간으로 넓혔습니다" in note for note in selection.notes)


def test_a_copy_in_the_window_stands_for_an_original_outside(make_article, reader_type):
    clear_caches()
    original = _news(make_article, "배터리 양산 (원문)", "배터리 양산", 24 * 20)
    copy = _news(
        make_article, "배터리 양산 (지면)", "배터리 양산", 3, duplicate_of=original
    )
    selection = briefing_select(
        reader_type=reader_type, edition_date=timezone.localdate(), now=timezone.now()
    )
    assert copy.pk in {i.article.pk for i in selection.items}


def test_reader_types_of_one_edition_get_different_articles(make_article, db):
    clear_caches()
    for n in range(12):
        _news(make_article, f"반도체 투자 뉴스 {n}", f"반도체 투자{n} 기업{n}", 1 + n)
    interests = {"반도체": 2.0, "투자": 1.0}
    twins = [
        ReaderType.objects.create(
            slug=f"twin-{n}", name=f"쌍둥이 {n}", interests=interests
        )
        for n in range(2)
    ]
    now = timezone.now()
    alone = [
        {i.article.pk for i in briefing_select(
            reader_type=rt, edition_date=timezone.localdate(), now=now
        ).items}
        for rt in twins
    ]  # fmt: skip
    assert alone[0] == alone[1]  # on their own, identical interests pick the same
    together = edition_select(
        reader_types=twins, edition_date=timezone.localdate(), now=now
    )
    sets = [{i.article.pk for i in together[rt.pk].items} for rt in twins]
    assert mean_pairwise_overlap(sets) < mean_pairwise_overlap(alone)
    assert all(len(s) == 6 for s in sets)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("파네시아가 어제(20일) 서울에서 열린 행사에서 수상했다.", {20}),
        ("효성벤처스는 18일 펀드를 설립했다고 밝혔다.", {18}),
        ("FT는 14일(현지시간) 보도했다.", {14}),
        ("3월 12일부터 관세를 부과한다.", set()),  # a month of its own
        ("지난달 28일 발표했다.", set()),
        ("오는 20일 발표할 예정이다.", set()),  # a plan
        ("18~20일 열린 행사에 갔다.", set()),  # a range
        ("출시 3일 만에 팔렸다.", set()),  # a duration
    ],
)
def test_reported_days(text, days):
    assert reported_days(text) == days


def test_an_estimated_date_its_text_contradicts_comes_last(make_article, reader_type):
    clear_caches()
    now = timezone.make_aware(dt.datetime(2025, 4, 15, 6, 0))
    fresh = [
        make_article(
            headline=f"반도체 수출 {n}",
            body=" ".join(f"반도체 수출{n} 기업{n} 소식 {k}번째." for k in range(30)),
            published_at=now - dt.timedelta(hours=2 + n),
        )
        for n in range(6)
    ]
    # Dated by estimate to the 15th, it reports the 18th: it is older than that.
    stale = make_article(
        headline="반도체 수출 기업 대형 투자 계약",
        body=" ".join(["반도체 수출 기업이 18일 서울에서 투자 계약을 맺었다."] * 20),
        published_at=now - dt.timedelta(hours=1),
        published_at_estimated=True,
    )
    assert date_doubtful(stale) and not date_doubtful(fresh[0])
    selection = briefing_select(
        reader_type=reader_type, edition_date=dt.date(2025, 4, 15), now=now
    )
    interest = {i.article.pk for i in selection.interest_items}
    assert stale.pk not in interest
    ranks = [i.rank for i in selection.items if i.article.pk == stale.pk]
    if ranks:  # a 참고 뉴스 at most, and the editor is told
        assert any(
            f"{ranks[0]}번 기사는" in n and "오래된 기사일 수 있으니" in n
            for n in selection.notes
        )


# ----------------------------------------------------------- real articles


def _told_shorter(sentence: str, lede: str) -> bool:
    """Whether ``sentence`` is ``lede`` with words left out, and shorter."""
    words = iter(lede.split())
    return len(sentence) < len(lede) and all(
        any(word in w for w in words) for word in sentence.split()
    )


def real_samples() -> list[str]:
    """The real article dumps (a missing one fails the test, naming it)."""
    names = ("sedaily_articles.txt", "edaily_search_results.txt", "sedaily_leads.txt")
    return [str(sample_path(name)) for name in names]


@pytest.mark.slow
def test_briefings_from_the_real_dumps(db):
    clear_caches()
    out = StringIO()
    call_command(
        "prism_import",
        *real_samples(),
        "--published-at",
        "2025-04-15T05:00",
        stdout=out,
    )
    assert "날짜가 없는 기사 27건" in out.getvalue()
    assert Article.objects.filter(kind=Article.Kind.OPINION).exists()
    call_command("prism_generate", "--date", "2025-04-15", "--sync", stdout=out)
    briefings = list(Briefing.objects.filter(edition_date=dt.date(2025, 4, 15)))
    assert len(briefings) == ReaderType.objects.filter(is_active=True).count()
    hard_kinds = {"column", "qa_marker", "furniture", "empty_section", "first_person"}
    sets = []
    opened_on_news = followed = 0
    for briefing in briefings:
        items = list(briefing.items.select_related("article"))
        assert len(items) == 6, briefing
        assert all(i.article.kind not in {"opinion", "digest"} for i in items)
        found = {f["check"] for f in briefing.quality_findings}
        assert not found & hard_kinds, (briefing, briefing.quality_findings)
        assert briefing.sections.count() == 3
        assert all(section.body for section in briefing.sections.all())
        assert "Q." not in briefing.lead
        # A lead of at least one paragraph, none opening on a sentence that leans
        # on one the reader never saw.
        paragraphs = [p for p in briefing.lead.splitlines() if p.strip()]
        assert paragraphs, briefing
        assert not any(needs_context(split_sentences(p)[0].text) for p in paragraphs), (
            briefing.lead
        )
        # An "이날" inside a section sentence carries its day instead.
        for section in briefing.sections.all():
            assert not any(
                has_this_day(s.text) for s in split_sentences(section.body)
            ), section.body
        # Where an item's lede can be told shorter, its story's paragraph opens
        # on that: the day's news, not a detail.
        ledes = [split_sentences(i.summary)[0].text for i in items]
        opened_on_news += any(
            _told_shorter(split_sentences(p)[0].text, lede)
            for p in paragraphs
            for lede in ledes
        )
        # A lede with no figure ("…며칠 만에 180도 다른 입장을 보이고 있다") goes
        # on with what happened: the 핵심 요약's next sentence, told shorter.
        seconds = [
            split_sentences(i.summary)[1].text
            for i in items
            if len(split_sentences(i.summary)) > 1
        ]
        followed += any(
            len(told := split_sentences(p)) > 1
            and any(_told_shorter(told[1].text, compress(second)) for second in seconds)
            for p in paragraphs
        )
        sets.append({i.article_id for i in items})
    assert opened_on_news >= len(briefings) // 2, opened_on_news
    assert followed >= len(briefings) // 3, followed
    assert mean_pairwise_overlap(sets) <= 0.5
    assert "품질 점검" in out.getvalue()
