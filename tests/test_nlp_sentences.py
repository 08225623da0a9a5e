"""Korean news sentence splitting: boundaries, quotes, numbers, offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prism.nlp.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "오픈AI가 신형 모델을 공개했다. 기본형은 3.5% 성장했다.",
            ["오픈AI가 신형 모델을 공개했다.", "기본형은 3.5% 성장했다."],
        ),
        (
            "정말 그럴까요? 그렇습니다! 결과는 다음 달 나온다.",
            ["정말 그럴까요?", "그렇습니다!", "결과는 다음 달 나온다."],
        ),
        (
            "회의는 오전에 끝났죠. 발표는 오후였어요. 모두 동의했습니까? 그렇다.",
            [
                "회의는 오전에 끝났죠.",
                "발표는 오후였어요.",
                "모두 동의했습니까?",
                "그렇다.",
            ],
        ),
    ],
)
def test_endings_and_punctuation_close_sentences(text, expected):
    assert texts(text) == expected


def test_quoted_speech_stays_in_its_sentence():
    text = (
        "그는 “매출이 늘었다. 하지만 이익은 줄었다”고 말했다. "
        '삼성전자는 "공급을 늘리겠다"며 "내년에도 투자한다"고 밝혔다. 끝이다.'
    )
    assert texts(text) == [
        "그는 “매출이 늘었다. 하지만 이익은 줄었다”고 말했다.",
        '삼성전자는 "공급을 늘리겠다"며 "내년에도 투자한다"고 밝혔다.',
        "끝이다.",
    ]


def test_a_quotation_can_be_a_sentence_of_its_own():
    assert texts("“올해 목표는 달성했다.” 김 대표의 말이다.") == [
        "“올해 목표는 달성했다.”",
        "김 대표의 말이다.",
    ]


def test_decimals_dates_versions_and_amounts_do_not_split():
    text = "GPT-4.1은 0.1달러, 0.4달러에 불과하다. 미국 증시는 2025.04.15 하락했다."
    assert texts(text) == [
        "GPT-4.1은 0.1달러, 0.4달러에 불과하다.",
        "미국 증시는 2025.04.15 하락했다.",
    ]


def test_english_abbreviations_and_initials_inside_korean():
    text = "U.S. Steel은 J.P. Morgan과 협의했다. Moody's는 등급을 유지했다."
    assert texts(text) == [
        "U.S. Steel은 J.P. Morgan과 협의했다.",
        "Moody's는 등급을 유지했다.",
    ]


def test_ellipsis_in_a_headline_is_not_a_boundary_but_after_an_ending_it_is():
    assert texts("메타, 퓨리오사AI 눈독…‘토종 팹리스’도 내줄 판") == [
        "메타, 퓨리오사AI 눈독…‘토종 팹리스’도 내줄 판"
    ]
    assert texts("그는 말을 잇지 못했다… 그러나 곧 입을 열었다.") == [
        "그는 말을 잇지 못했다…",
        "그러나 곧 입을 열었다.",
    ]


def test_line_breaks_and_titles_without_punctuation():
    text = "AI 반도체 투자 확대\n정부가 지원책을 내놨다.\n\n기업들은 환영했다"
    assert texts(text) == [
        "AI 반도체 투자 확대",
        "정부가 지원책을 내놨다.",
        "기업들은 환영했다",
    ]


def test_list_markers_are_not_part_of_the_sentence():
    text = "1. 첫째다.\n2) 둘째다.\n▲ 셋째 항목이다.\n- 넷째 항목\n① 다섯째다"
    assert texts(text) == [
        "첫째다.",
        "둘째다.",
        "셋째 항목이다.",
        "넷째 항목",
        "다섯째다",
    ]


def test_sentences_glued_without_a_space_are_separated():
    text = "이번 수상은 성과를 인정받은 결과다.차세대 기술을 개발해왔다.◇전망 밝다"
    assert texts(text) == [
        "이번 수상은 성과를 인정받은 결과다.",
        "차세대 기술을 개발해왔다.",
        "◇전망 밝다",
    ]


def test_emails_and_urls_do_not_split():
    text = "문의는 abc@edaily.co.kr로 하면 된다. 자세한 내용은 www.sedaily.com에 있다."
    assert texts(text) == [
        "문의는 abc@edaily.co.kr로 하면 된다.",
        "자세한 내용은 www.sedaily.com에 있다.",
    ]


def test_offsets_point_into_the_original_text():
    text = "  첫 문장이다.   둘째 “문장. 인용”이다.\n\t셋째 문장\n"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "첫 문장이다.",
        "둘째 “문장. 인용”이다.",
        "셋째 문장",
    ]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_empty_and_blank_text_have_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["다.", "다", " ", "\n", "“", "”", '"', "'", "3.5", "…", "?", "AI",
             "한국은행이", "금리를 ", "U.S.", "(", ")", "▲ ", "1. ", "‘", "’", "!",
             "..."]
        ),
        max_size=40,
    ).map("".join)
)  # fmt: skip
def test_sentences_are_ordered_disjoint_and_exact(text):
    sentences = split_sentences(text)
    previous_end = 0
    for sentence in sentences:
        assert sentence.text
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        assert sentence.start >= previous_end
        previous_end = sentence.end
