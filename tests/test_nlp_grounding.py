"""The grounding check alone: figures, names, coverage, negation, citations."""

from __future__ import annotations

import pytest

from prism.nlp.grounding import GroundingChecker, SourceDocument, extract_figures

BODY = (
    "세진반도체가 북미 빅테크와 4조 8000억 원 규모의 고대역폭메모리(HBM) 공급 계약을 "
    "맺었다. 국내 반도체 기업의 단일 계약으로는 최대 규모다. 회사는 청주 공장에 "
    "3조 원을 투자해 후공정 라인을 증설한다. 증설 라인은 2027년 하반기 가동이 "
    "목표다. 김도윤 세진반도체 대표는 “고객사 수요가 예상보다 빠르게 늘고 있다”고 "
    "말했다."
)
SOURCE = SourceDocument(7, "세진반도체, 4조8000억 HBM 공급 계약", BODY)


@pytest.fixture(scope="module")
def checker() -> GroundingChecker:
    return GroundingChecker()


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("4조 8000억 원 규모", 4.8e12, "원"),
        ("4조8000억원이", 4.8e12, "원"),
        ("1987조 3000억 원으로", 1.9873e15, "원"),
        ("0.25%포인트 내렸다", 0.25, "%p"),
        ("3천만 원", 3e7, "원"),
        ("1500만 명의", 1.5e7, "명"),
        ("3~4배", 4.0, "배"),
    ],
)
def test_figures_are_read_with_value_and_unit(text, value, unit):
    figures = extract_figures(text)
    assert (figures[-1].value, figures[-1].unit) == (value, unit)


def test_a_range_shares_its_unit():
    assert [(f.value, f.unit) for f in extract_figures("3~4배")] == [
        (3.0, "배"),
        (4.0, "배"),
    ]


def test_a_paraphrase_of_the_sources_is_supported_and_cited(checker):
    result = checker.check(
        "세진반도체가 4조8000억 원 규모의 HBM 공급 계약을 북미 빅테크와 체결했다.",
        [SOURCE],
    )
    [verdict] = result.sentences
    assert verdict.supported, verdict.reasons
    citation = verdict.citations[0]
    assert citation.document_id == 7
    assert BODY[citation.start : citation.end].startswith("세진반도체가 북미 빅테크와")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("세진반도체의 매출은 9999조 원에 이른다.", "수치 ‘9999조 원’"),
        ("회사는 청주 공장에 5조 원을 투자해 후공정 라인을 증설한다.", "수치"),
        ("가온누리중공업이 고대역폭메모리 공급 계약을 맺었다.", "고유명사"),
        ("TSMC가 북미 빅테크와 공급 계약을 맺었다.", "고유명사 ‘TSMC’"),
        ("세진반도체는 북미 빅테크와 공급 계약을 맺지 않았다.", "긍정·부정"),
        ("정부는 내년 예산안에서 복지 지출을 크게 늘리기로 했다.", "내용이 맞지 않음"),
        ("세진반도체가 북미 빅테크와 공급", "완결된 문장이 아님"),
    ],
)
def test_unsupported_sentences_are_rejected_with_the_reason(checker, text, reason):
    [verdict] = checker.check(text, [SOURCE]).sentences
    assert not verdict.supported
    assert reason in verdict.reason


def test_supported_and_unsupported_sentences_are_told_apart(checker):
    text = (
        "세진반도체가 4조 8000억 원 규모의 공급 계약을 맺었다. "
        "이 회사의 매출은 9999조 원으로 집계됐다. "
        "증설 라인은 2027년 하반기 가동을 목표로 한다."
    )
    result = checker.check(text, [SOURCE])
    assert [v.supported for v in result.sentences] == [True, False, True]
    assert "9999조" not in result.text
    assert 0 < result.score < 1


def test_a_sum_of_two_stated_figures_is_supported(checker):
    source = SourceDocument(1, "", "조사 대상은 탄산음료 282개와 혼합음료 350개다.")
    [verdict] = checker.check("조사 대상 음료는 632개다.", [source]).sentences
    assert verdict.supported, verdict.reasons


def test_common_words_komoran_calls_proper_nouns_are_not_names(checker):
    assert "불이행" not in checker.entities("합창단의 의무 불이행 논란이 불거졌다.")
    assert "가온누리중공업" in checker.entities("가온누리중공업이 계약을 따냈다.")
    assert "김도윤" in checker.entities("김도윤 대표는 이렇게 말했다.")
