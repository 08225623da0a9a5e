"""Body cleaning, one rule at a time, then the whole pipeline."""

from __future__ import annotations

import pytest

from prism.ingest import clean_body
from prism.ingest.clean import (
    CleaningTrace,
    html_to_text,
    is_furniture_line,
    normalize_unicode,
    remove_emails,
    remove_page_furniture,
    remove_photo_captions,
    remove_reporter_tags,
    remove_section_date_prefix,
    remove_trailing_byline,
    separate_glued_sentences,
    strip_html,
    tidy_whitespace,
)


def apply(rule, text: str) -> tuple[str, CleaningTrace]:
    trace = CleaningTrace()
    return rule(text, trace), trace


# --- normalize_unicode --------------------------------------------------------------


def test_normalize_unicode_unifies_spaces_and_line_breaks():
    text, _ = apply(normalize_unicode, "금리\u00a0동결\u200b했다.\r\n다음\u3000줄\x07")
    assert text == "금리 동결했다.\n다음 줄"


def test_normalize_unicode_composes_decomposed_hangul():
    decomposed = "\u1100\u1161\u11a8"  # 각 as three jamo
    text, _ = apply(normalize_unicode, decomposed)
    assert text == "각"


# --- strip_html ---------------------------------------------------------------------


def test_strip_html_keeps_paragraphs_and_drops_figure_captions():
    markup = (
        "<p>첫 문단이다.</p><p>둘째 &amp; 셋째 문단이다.</p>"
        "<figure><img src='a.jpg'><figcaption>딜링룸 모습</figcaption></figure>"
    )
    text, trace = apply(strip_html, markup)
    assert "첫 문단이다.\n" in text
    assert "둘째 & 셋째 문단이다." in text
    assert "딜링룸" not in text
    assert "딜링룸 모습" in trace.removed


def test_strip_html_leaves_plain_text_alone():
    plain = "코스피가 2% 오르며 a < b 조건을 만족했다. <중요> 표시는 그대로 둔다."
    text, trace = apply(strip_html, plain)
    assert text == plain
    assert trace.removed == []


def test_html_to_text_skips_scripts():
    text, skipped = html_to_text("<div>본문<script>track()</script></div>")
    assert text.strip() == "본문"
    assert skipped == ["track()"]


# --- remove_reporter_tags -----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reporter"),
    [
        ("[이데일리 김현아 기자] 국내 팹리스가 상을 받았다.", "김현아 기자"),
        ("[수원=이데일리 황영민 기자] 경기도가 추경을 제안했다.", "황영민 기자"),
        ("【서울경제 홍길동·김철수 기자】 수출이 늘었다.", "홍길동·김철수 기자"),
        ("[이데일리 스타in 김보영 기자] 영화가 개봉했다.", "김보영 기자"),
        ("(서울=연합뉴스) 홍길동 기자 = 정부가 대책을 발표했다.", "홍길동 기자"),
        ("(뉴욕=뉴스1) 김민지 특파원 = 뉴욕 증시가 올랐다.", "김민지 특파원"),
    ],
)
def test_remove_reporter_tags_cuts_tag_and_keeps_reporter(raw, reporter):
    text, trace = apply(remove_reporter_tags, raw)
    assert "기자" not in text.replace("기자회견", "")
    assert "=" not in text
    assert "[" not in text and "【" not in text
    assert trace.reporters == [reporter]
    assert text.strip().endswith("다.")


def test_remove_reporter_tags_keeps_bracketed_headline_labels():
    raw = "[미리보는 이데일리 신문] 주요 뉴스다. [김세중의 여의도 커피챗] 칼럼이다."
    text, trace = apply(remove_reporter_tags, raw)
    assert text == raw
    assert trace.reporters == []


def test_remove_reporter_tags_leaves_photo_credits_to_the_caption_rule():
    raw = "사진 설명이다. (사진=연합뉴스)"
    text, _ = apply(remove_reporter_tags, raw)
    assert text == raw


# --- remove_trailing_byline ---------------------------------------------------------


def test_remove_trailing_byline_with_email():
    raw = "회사는 실적 개선을 예상했다. 홍길동 기자 abc@sedaily.com"
    text, trace = apply(remove_trailing_byline, raw)
    assert text.strip() == "회사는 실적 개선을 예상했다."
    assert trace.reporters == ["홍길동 기자"]


def test_remove_trailing_byline_with_place_and_title():
    raw = "연준은 금리를 동결했다. 뉴욕=김흥록 특파원 rok@sedaily.com"
    text, trace = apply(remove_trailing_byline, raw)
    assert text.strip() == "연준은 금리를 동결했다."
    assert trace.reporters == ["김흥록 특파원"]


def test_remove_trailing_byline_bare_name_at_the_end():
    text, trace = apply(remove_trailing_byline, "정책은 다음 달 시행된다. /김철수 기자")
    assert text.strip() == "정책은 다음 달 시행된다."
    assert trace.reporters == ["김철수 기자"]


def test_remove_trailing_byline_keeps_the_word_reporter_in_sentences():
    raw = "이날 기자들과의 질의응답에서 장관은 추가 대책을 예고했다."
    text, trace = apply(remove_trailing_byline, raw)
    assert text == raw
    assert trace.reporters == []


# --- remove_photo_captions ----------------------------------------------------------


def test_remove_photo_captions_bracketed_credit():
    text, trace = apply(
        remove_photo_captions, "수출이 늘었다. (사진=연합뉴스) 다음 문장."
    )
    assert "사진" not in text
    assert "수출이 늘었다." in text and "다음 문장." in text
    assert trace.removed == ["(사진=연합뉴스)"]


def test_remove_photo_captions_glued_caption_sentence_goes_too():
    raw = (
        "매출이 세 배 늘 것으로 전망된다.효성벤처스 로고.(사진=효성벤처스)"
        "투자도 이어졌다."
    )
    text, trace = apply(remove_photo_captions, raw)
    assert "로고" not in text
    assert "전망된다." in text and "투자도 이어졌다." in text
    assert trace.removed == ["효성벤처스 로고.(사진=효성벤처스)"]


def test_remove_photo_captions_spaced_credit_keeps_the_sentence_before_it():
    raw = "우위를 점하겠다는 뜻으로 읽힌다. (사진=AFP)파이낸셜타임스는 보도했다."
    text, _ = apply(remove_photo_captions, raw)
    assert "읽힌다." in text
    assert "AFP" not in text


@pytest.mark.parametrize(
    "credit",
    [
        "/사진 제공=삼성전자",
        "사진=연합뉴스",
        "[사진=게티이미지뱅크]",
        "(사진 제공=한국은행)",
    ],
)
def test_remove_photo_captions_every_credit_form(credit):
    text, _ = apply(remove_photo_captions, f"총재가 발언하고 있다. {credit}")
    assert text.strip() == "총재가 발언하고 있다."


def test_remove_photo_captions_chart_source_keeps_the_sentence():
    text, trace = apply(
        remove_photo_captions, "물가가 2% 올랐다.(자료=통계청) 다음 문장."
    )
    assert text.split() == ["물가가", "2%", "올랐다.", "다음", "문장."]
    assert trace.removed == ["(자료=통계청)"]


def test_remove_photo_captions_keeps_words_that_contain_photo():
    raw = "그림을 만들거나 사진을 변형하는 것이 유행했다."
    text, _ = apply(remove_photo_captions, raw)
    assert text == raw


# --- remove_emails ------------------------------------------------------------------


def test_remove_emails():
    text, trace = apply(remove_emails, "제보는 (news@example.co.kr)로 받는다.")
    assert "@" not in text
    assert trace.removed == ["(news@example.co.kr)"]


# --- remove_section_date_prefix -----------------------------------------------------


@pytest.mark.parametrize(
    "prefix",
    [
        "산업 IT 2025.04.15 09:51:26",
        "경제·금융 경제·금융일반 2025.04.15 06:49:00",
        "[서울경제]",
        "입력 2025.04.15 09:51 수정 2025.04.15 10:02",
        "2025-04-15 09:51",
    ],
)
def test_remove_section_date_prefix(prefix):
    text, trace = apply(
        remove_section_date_prefix, f"{prefix}오픈AI가 모델을 공개했다."
    )
    assert text == "오픈AI가 모델을 공개했다."
    assert trace.removed


def test_remove_section_date_prefix_keeps_an_ordinary_first_sentence():
    raw = "14일 교육부에 따르면 2025.04.15 기준 교사는 0명이다."
    text, _ = apply(remove_section_date_prefix, raw)
    assert text == raw


# --- remove_page_furniture ----------------------------------------------------------


@pytest.mark.parametrize(
    "furniture",
    [
        "이시간 주요 뉴스",
        "영상 뉴스",
        "서경스페셜",
        "Skip to main content",
        "주소 : 서울특별시 종로구 율곡로 6 대표전화 : 02) 724-8600",
        "상호 : 서울경제신문사업자번호 : 208-81-10310등록번호 : 서울 가 00224",
        "인터넷신문 등록번호 : 서울 아04065 등록일자 : 2016.04.26",
        "서울경제의 모든 콘텐트는 저작권법의 보호를 받는 바, 무단 전재·복사·배포 등은 "
        "법적 제재를 받을 수 있습니다.",
        "Copyright ⓒ Sedaily, All right reserved",
        "< 저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 >",
    ],
)
def test_remove_page_furniture_lines(furniture):
    text, trace = apply(remove_page_furniture, f"기사 본문이다.\n{furniture}\n")
    assert text.strip() == "기사 본문이다."
    assert trace.removed
    assert is_furniture_line(furniture)


def test_remove_page_furniture_inline_copyright_at_the_end():
    raw = "수출이 늘었다. <저작권자 ⓒ 이데일리, 무단전재 & 재배포 금지>"
    text, _ = apply(remove_page_furniture, raw)
    assert text.strip() == "수출이 늘었다."


def test_remove_page_furniture_keeps_sentences_that_mention_the_words():
    raw = (
        "회사는 영상 뉴스 플랫폼을 인수했다. "
        "법원은 기사를 무단 전재한 업체에 배상을 명령했다."
    )
    text, _ = apply(remove_page_furniture, raw)
    assert text == raw


def test_is_furniture_line_rejects_long_article_lines():
    line = "가" * 400 + " Copyright ⓒ Example"
    assert not is_furniture_line(line)


# --- layout -------------------------------------------------------------------------


def test_separate_glued_sentences():
    text, _ = apply(separate_glued_sentences, "인정받은 결과다.차세대 기술이다.")
    assert text == "인정받은 결과다. 차세대 기술이다."


def test_separate_glued_sentences_keeps_numbers_and_abbreviations():
    raw = "수출은 1.8% 늘었고 R.E.D 원칙이 나왔다."
    text, _ = apply(separate_glued_sentences, raw)
    assert text == raw


def test_tidy_whitespace():
    text, _ = apply(tidy_whitespace, "  첫 줄  ()  끝\n\n\n\n둘째   줄 -")
    assert text == "첫 줄 끝\n\n둘째 줄"


# --- the pipeline -------------------------------------------------------------------


def test_clean_body_removes_everything_and_reports_the_byline():
    raw = (
        "[이데일리 김현아 기자] 국내 스타트업이 상을 받았다. "
        "발표하고 있다.(사진=김현아 기자)"
        "회사는 투자를 늘린다. 문의는 help@example.com으로 하면 된다.\n"
        "< 저작권자 ⓒ 이데일리, 무단 전재 및 재배포 금지 >"
    )
    cleaned = clean_body(raw)
    assert cleaned.body == (
        "국내 스타트업이 상을 받았다. 회사는 투자를 늘린다. 문의는 으로 하면 된다."
    )
    assert cleaned.byline == "김현아 기자"
    assert "[이데일리 김현아 기자]" in cleaned.removed


def test_clean_body_of_only_furniture_is_empty():
    cleaned = clean_body(
        "이시간 주요 뉴스\n영상 뉴스\nCopyright ⓒ Sedaily, All right reserved"
    )
    assert cleaned.body == ""


def test_clean_body_is_idempotent():
    raw = "[이데일리 김현아 기자] 수출이 늘었다.(사진=연합뉴스) 홍길동 기자 a@b.com"
    once = clean_body(raw).body
    assert clean_body(once).body == once
