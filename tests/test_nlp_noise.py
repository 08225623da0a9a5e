"""What may not appear in a summary, and what may be trimmed from a sentence."""

from __future__ import annotations

import pytest

from prism.nlp.noise import (
    glued_heading,
    is_dangling,
    noise_reason,
    prefix_length,
    quotes_balanced,
    recurring_subjects,
)


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("홍길동 기자 hong@sedaily.com 으로 제보해 주시기를 바랍니다.", "contact"),
        ("자세한 내용은 https://example.com 에서 확인할 수 있다고 밝혔다.", "contact"),
        (
            "서울 종로구에서 시민들이 걷고 있다. (사진=연합뉴스) 오후 모습이다.",
            "caption",
        ),
        (
            "저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 조항을 지켜야 한다.",
            "furniture",
        ),
        ("▶ 관련기사 더보기 바로가기를 누르면 기사를 볼 수 있다.", "furniture"),
        ("[서울경제 김민수 기자] 다음은 주요 뉴스 목록이며 참고하면 된다.", "byline"),
        ("이번 조치로 시장이 안정될 수 있을까?", "question"),
        ("“올해 목표는 반드시 달성하겠습니다. 지켜봐 주십시오.”", "quote_only"),
        ("매출이 늘었다”고 말한 뒤 회의를 마쳤다는 후문이 전해졌다.", "quote_fragment"),
        ("AI 반도체 투자 확대와 인재 확보 경쟁 본격화 전망", "not_declarative"),
        (
            "전망 밝아…업계 “수출 회복세 뚜렷” 정부는 지원책을 내놓았다.",
            "heading_glued",
        ),
        ("짧다.", "too_short"),
        (
            "방안으로는 △등록금 면제 △장학금 지급 △연계 트랙 △군 면제 등이 거론된다.",
            "list",
        ),
    ],
)
def test_unusable_sentences_say_why(sentence, reason):
    assert noise_reason(sentence) == reason


@pytest.mark.parametrize(
    "sentence",
    [
        "오픈AI가 신형 인공지능(AI) 모델 ‘GPT-4.1’ 시리즈를 공개했다.",
        "그는 “시장 규모부터 차이가 많이 난다”고 말했다.",
        "한국은행이 기준금리를 연 2.50%에서 2.25%로 0.25%포인트 내렸다.",
    ],
)
def test_plain_news_sentences_are_usable(sentence):
    assert noise_reason(sentence) == ""


@pytest.mark.parametrize(
    ("sentence", "rest"),
    [
        ("[이데일리 김현아 기자] 파네시아가 장관 표창을 수상했다.", "파네시아가"),
        ("(서울=연합뉴스) 홍길동 기자 = 정부가 지원책을 발표했다고 밝혔다.", "정부가"),
        ("업계에 따르면 메타는 퓨리오사AI 인수를 추진하고 있다.", "메타는"),
        # Dates stay: without them two days' figures read as one.
        ("14일 업계에 따르면 메타는 퓨리오사AI 인수를 추진하고 있다.", "14일 업계"),
        (
            "14일(현지 시간) 오픈AI는 GPT-4.1 시리즈 API를 출시한다고 밝혔다.",
            "14일(현지 시간) 오픈AI는",
        ),
        ("한편 정부는 다음 달 추가 대책을 내놓을 예정이라고 밝혔다.", "정부는"),
        ("(사진=공지유 기자)그는 정부의 지원이 필요하다고 강조했다.", "그는"),
    ],
)
def test_cuttable_prefixes(sentence, rest):
    assert sentence[prefix_length(sentence) :].startswith(rest)


def test_prefixes_that_carry_meaning_stay():
    sentence = "3일 연속 하락한 코스피는 외국인 매도세에 밀려 2500선을 내줬다."
    assert prefix_length(sentence) == 0


def test_quotes_and_brackets_must_balance():
    assert quotes_balanced("그는 “좋다(매우)”고 말했다.")
    assert not quotes_balanced("그는 “좋다고 말했다.")
    assert not quotes_balanced('그는 "좋다고 말했다.')


def test_sentences_leaning_on_the_previous_one():
    assert is_dangling("이는 지난해보다 20% 늘어난 규모다.")
    assert is_dangling("그는 추가 인하 가능성을 열어뒀다.")
    assert not is_dangling("정부는 추가 인하 가능성을 열어뒀다.")


def test_sub_headings_glued_onto_sentences():
    sentences = [
        "파네시아는 CXL 기술을 개발했다.",
        "파네시아는 상을 받았다.",
        "기술 선도 및 기업 가치 상승파네시아는 시스템을 공개했다.",
    ]
    subjects = recurring_subjects(sentences)
    assert subjects == {"파네시아"}
    assert glued_heading(sentences[2], subjects)
    assert not glued_heading(sentences[0], subjects)
    assert glued_heading("특허 확보2023년부터 과제를 수행했다.", subjects)
