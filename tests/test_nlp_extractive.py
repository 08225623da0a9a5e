"""The extractive summarizer: properties an editor relies on every morning."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from prism.nlp.abstractive import similar
from prism.nlp.extractive import ExtractiveSummarizer
from prism.nlp.summarize import (
    Summarizer,
    SummarizerConfigurationError,
    Summary,
    get_summarizer,
    summarize,
)
from tests.helpers.summaries import makes_points

SAMPLE_CORPUS = Path(__file__).resolve().parents[1] / "prism/sample_data/articles.jsonl"
NOISY_TITLE = "한은, 기준금리 0.25%p 인하…내수 회복 뒷받침"
NOISY_BODY = (
    "[서울경제 김민수 기자] 한국은행이 기준금리를 연 2.50%에서 2.25%로 0.25%포인트 "
    "내렸다. 한국은행 본관에서 이창용 총재가 회의를 주재하고 있다. (사진=연합뉴스) "
    "금융통화위원회는 내수 회복을 뒷받침하기 위해 금리 인하가 필요하다고 판단했다. "
    "이는 지난해 5월 이후 1년 6개월 만의 인하다. "
    "이창용 총재는 “물가가 안정 흐름을 보이고 있다. 성장 하방 위험이 커졌다”며 "
    "“추가 인하 여부는 데이터를 보고 판단하겠다”고 말했다. "
    "시장에서는 내년 상반기 추가 인하 가능성에 무게를 두고 있다. "
    "금융통화위원회는 내수 회복을 뒷받침하기 위해 금리 인하가 필요하다고 판단했다. "
    "가계부채 증가세는 여전히 부담 요인으로 꼽힌다”고 덧붙였다. "
    "김민수 기자 minsu@sedaily.com\n"
    "저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지"
)
FORBIDDEN = re.compile(r"기자\]|기자 =|@|사진=|저작권|무단 전재|ⓒ")


def sample_articles() -> list[dict]:
    with SAMPLE_CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="module")
def summarizer() -> ExtractiveSummarizer:
    return ExtractiveSummarizer()


@pytest.fixture(scope="module")
def sample_summaries(summarizer) -> list[tuple[dict, Summary]]:
    return [
        (row, summarizer.summarize(row["headline"], row["body"]))
        for row in sample_articles()
    ]


def test_three_sentences_from_the_source_in_article_order(sample_summaries):
    for row, summary in sample_summaries:
        assert makes_points(summary.sentences, 3), row["headline"]
        starts = [sentence.start for sentence in summary.sentences]
        assert starts == sorted(starts)
        for sentence in summary.sentences:
            assert row["body"][sentence.start : sentence.end] == sentence.text
        assert summary.text == " ".join(s.text for s in summary.sentences)
        assert summary.offsets == [(s.start, s.end) for s in summary.sentences]


def test_within_the_length_budget(sample_summaries):
    for row, summary in sample_summaries:
        assert 150 <= len(summary.text) <= 300, row["headline"]


def test_complete_declarative_sentences_without_furniture(sample_summaries):
    for _, summary in sample_summaries:
        for sentence in summary.sentences:
            assert re.search(r"다[.!]?$", sentence.text), sentence.text
            assert not FORBIDDEN.search(sentence.text), sentence.text


def test_three_different_things(sample_summaries):
    for _, summary in sample_summaries:
        texts = [s.text for s in summary.sentences]
        assert len(set(texts)) == len(texts)
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                assert not similar(a, b, 0.8), (a, b)


def test_identity_and_keywords_are_recorded(sample_summaries, summarizer):
    _, summary = sample_summaries[0]
    assert summary.backend == "extractive"
    assert summary.model_name == "prism-textrank/okt"
    assert summary.model_version == summarizer.model_version
    assert summary.model_version.startswith("1.")
    assert len(summary.keywords) == 5
    assert summary.fallback_reason == ""
    assert summary.duration_ms >= 0


def test_noisy_article_never_yields_bylines_captions_quotes_or_repeats(summarizer):
    summary = summarizer.summarize(NOISY_TITLE, NOISY_BODY)
    texts = [s.text for s in summary.sentences]
    assert texts[0] == "한국은행이 기준금리를 연 2.50%에서 2.25%로 0.25%포인트 내렸다."
    assert not any(FORBIDDEN.search(text) for text in texts)
    assert not any("회의를 주재하고 있다" in text for text in texts)  # photo caption
    assert not any("덧붙였다" in text for text in texts)  # quote fragment
    assert len(set(texts)) == len(texts)
    for sentence in summary.sentences:
        assert NOISY_BODY[sentence.start : sentence.end] == sentence.text


def test_the_budget_and_sentence_count_are_configurable():
    short = ExtractiveSummarizer(min_chars=60, max_chars=120)
    row = sample_articles()[0]
    summary = short.summarize(row["headline"], row["body"], n_sentences=2)
    assert len(summary.sentences) <= 2
    assert len(summary.text) <= 120
    assert short.model_version != ExtractiveSummarizer().model_version


def test_short_articles_return_what_exists(summarizer):
    body = "정부가 내년 예산안을 국회에 제출했다. 총지출은 761조 원 규모다."
    summary = summarizer.summarize("예산안 제출", body)
    assert [s.text for s in summary.sentences] == [
        "정부가 내년 예산안을 국회에 제출했다.",
        "총지출은 761조 원 규모다.",
    ]
    one = summarizer.summarize("", "코스피가 외국인 매도에 1% 넘게 하락했다.")
    assert one.text == "코스피가 외국인 매도에 1% 넘게 하락했다."


def test_nothing_to_summarize_says_so(summarizer):
    summary = summarizer.summarize("제목", "")
    assert summary.text == "" and summary.sentences == []
    assert summary.fallback_reason
    junk = summarizer.summarize("", "김민수 기자 minsu@sedaily.com\n(사진=연합뉴스)")
    assert junk.sentences == []


def test_batch_matches_one_by_one(summarizer):
    rows = sample_articles()[:3]
    batch = summarizer.summarize_batch([(r["headline"], r["body"]) for r in rows])
    single = [summarizer.summarize(r["headline"], r["body"]) for r in rows]
    assert [s.text for s in batch] == [s.text for s in single]


def test_backends_are_chosen_by_name_or_dotted_path_and_cached(fresh_summarizers):
    default = get_summarizer()
    assert isinstance(default, Summarizer)
    assert get_summarizer("extractive") is default
    assert get_summarizer("extractive", max_chars=200) is not default
    dotted = get_summarizer("prism.nlp.extractive.ExtractiveSummarizer")
    assert dotted.backend == "extractive"
    with pytest.raises(SummarizerConfigurationError, match="Unknown summarizer"):
        get_summarizer("nonsense")
    with pytest.raises(SummarizerConfigurationError, match="Cannot import"):
        get_summarizer("prism.nlp.nowhere.Summarizer")
    with pytest.raises(SummarizerConfigurationError, match="not a summarizer"):
        get_summarizer("prism.nlp.sentences.Sentence", text="", start=0, end=0)
    result = summarize(NOISY_TITLE, NOISY_BODY, n_sentences=2)
    assert makes_points(result.sentences, 2)


def test_a_short_sentence_continuing_the_lede_comes_with_it():
    # "…밝히면서다." says why the lede happened: with the lede it is one point,
    # so it does not cost the summary one of its three.
    body = (
        "누리국이 미국과 중국이 주도하던 인공지능(AI) 패권 경쟁에 가세했다. "
        "우리 돈 100조원 상당의 대규모 투자 계획을 밝히면서다. "
        "중국발 저비용 AI 모델이 전 세계를 흔든 가운데 AI 인프라 구축과 자금 유치 "
        "경쟁도 본격화하는 양상이다. "
        "업계는 국내 반도체 기업이 누리국의 데이터센터 사업에 핵심 파트너로 참여할 "
        "가능성을 점치고 있다. "
        "누리국 정부는 다음 달 세부 계획을 발표할 예정이다."
    )
    summary = ExtractiveSummarizer().summarize("누리국, AI 패권 경쟁 가세", body)
    texts = [s.text for s in summary.sentences]
    assert texts[:2] == [
        "누리국이 미국과 중국이 주도하던 인공지능(AI) 패권 경쟁에 가세했다.",
        "우리 돈 100조원 상당의 대규모 투자 계획을 밝히면서다.",
    ]
    assert len(texts) == 4 and makes_points(summary.sentences, 3)


def test_a_figure_the_headline_promises_is_in_the_summary():
    headline = "누리시만 1100명인데…한국 AI 전문교사 '0명'"
    body = (
        "인공지능 패권 경쟁이 심화하면서 우리나라의 인재 양성 체계가 뒤처져 있다는 "
        "우려가 나오고 있다. 누리국이 정부 주도로 초등학교 때부터 AI 교원을 두고 인재 "
        "육성에 나선 반면 우리나라는 대학 AI 학과 증원도 어려운 상태다. 이미 누리국은 "
        "초등학교부터 대학까지 체계적인 커리큘럼으로 AI를 정규 교육에 통합하고 있다. "
        "14일 관계부처에 따르면 누리시는 초중고 AI 교육 강화를 위해 전문 교사 100명 등 "
        "총 1100명 규모의 인력을 양성하겠다는 계획을 내놓았다. 디지털 교과서 도입도 "
        "누리국이 2020년부터 시행한 데 반해 한국은 올해부터 시범 적용에 나선 수준이다."
    )
    figure = "총 1100명 규모의 인력을 양성하겠다는 계획을 내놓았다"
    told = ExtractiveSummarizer().summarize(headline, body).text
    assert figure in told
    # Without the headline's figure counting, the opening sentences win.
    plain = ExtractiveSummarizer(title_figure=0.0).summarize(headline, body).text
    assert figure not in plain
