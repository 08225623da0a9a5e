"""The transformers backend, end to end through from_pretrained with a tiny model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from prism.nlp.abstractive import (
    ModelLoadError,
    TransformersSummarizer,
    clean_generated,
    degenerate_reason,
)
from prism.nlp.extractive import ExtractiveSummarizer
from prism.nlp.sentences import split_sentences
from prism.nlp.summarize import get_summarizer

ROOT = Path(__file__).resolve().parents[1]
TITLE = "한은, 기준금리 0.25%p 인하…“내수 회복 뒷받침”"
BODY = (
    "한국은행이 기준금리를 0.25%포인트 내렸다. 한국은행 금융통화위원회는 19일 "
    "통화정책방향 회의를 열고 기준금리를 연 2.50%에서 2.25%로 인하했다. 지난해 5월 "
    "이후 1년 6개월 만의 인하로, 기준금리는 2022년 8월 이후 가장 낮은 수준이 됐다. "
    "금통위는 내수 회복을 뒷받침하기 위해 금리 인하가 필요하다고 판단했다. 시장에서는 "
    "내년 상반기 추가 인하 가능성에 무게를 두고 있다. 다만 가계부채 증가세는 여전히 "
    "부담 요인으로 꼽힌다."
)
FAST = {"num_threads": 1, "num_beams": 1, "max_length": 48, "min_length": 4}


def long_body(sentences: int = 24) -> str:
    parts = [
        f"{i}번째 단락에서 정부는 반도체 지원을 위해 {i}조 원 규모의 기금을 조성했다."
        for i in range(1, sentences + 1)
    ]
    return " ".join(parts)


@pytest.fixture
def tiny(tiny_seq2seq_model, fresh_summarizers) -> TransformersSummarizer:
    return get_summarizer("transformers", model=str(tiny_seq2seq_model.path), **FAST)


def test_generates_summaries_through_from_pretrained(tiny, tiny_seq2seq_model):
    assert tiny._model is None  # nothing is loaded before the first summary
    summary = tiny.summarize(TITLE, BODY)
    assert tiny._model is not None
    texts = [s.text for s in summary.sentences]
    assert texts[:2] == [
        "한국은행이 기준금리를 연 2.25%로 내렸다.",
        "시장은 추가 인하 가능성에 주목하고 있다.",
    ]
    assert len(texts) == 3  # topped up from the extractive summary
    assert texts[2] in BODY
    assert summary.text.startswith(tiny_seq2seq_model.summary)
    assert summary.backend == "transformers"
    assert summary.model_name == str(tiny_seq2seq_model.path)
    assert summary.model_version and summary.model_version == tiny.model_version
    assert summary.fallback_reason == ""
    assert summary.keywords


def test_generated_sentences_cite_the_body_sentence_they_draw_on(tiny):
    summary = tiny.summarize(TITLE, BODY)
    first = summary.sentences[0]
    assert first.text not in BODY  # generated, not copied
    assert "기준금리" in BODY[first.start : first.end]
    assert BODY[first.start : first.end] in {s.text for s in split_sentences(BODY)}
    for sentence in summary.sentences[2:]:
        assert BODY[sentence.start : sentence.end] == sentence.text


def test_batches_share_one_generate_call(tiny):
    short = "한국은행이 기준금리를 0.25%포인트 내렸다. 시장은 추가 인하를 기대한다."
    assert len(tiny.plan_chunks(short)) == 1
    calls = tiny.generate_calls
    summaries = tiny.summarize_batch([(TITLE, short)] * 3)
    assert len(summaries) == 3
    assert tiny.generate_calls == calls + 1
    assert len({s.text for s in summaries}) == 1


def test_long_articles_are_chunked_and_the_partials_compressed(tiny_seq2seq_model):
    summarizer = TransformersSummarizer(
        model=str(tiny_seq2seq_model.path), max_input_tokens=48, **FAST
    )
    body = long_body()
    chunks = summarizer.plan_chunks(body)
    assert len(chunks) > 2
    assert " ".join(chunks) == body
    for chunk in chunks:
        assert len(summarizer._tokenizer(chunk)["input_ids"]) <= 48
    summary = summarizer.summarize("반도체 지원 기금", body)
    assert summarizer.generate_calls >= 2  # the chunks, then their summaries
    assert summary.fallback_reason == ""
    assert summary.text.startswith(tiny_seq2seq_model.summary)


def test_int8_quantization_on_cpu(tiny_seq2seq_model):
    import torch

    summarizer = TransformersSummarizer(
        model=str(tiny_seq2seq_model.path), quantize=True, device="cpu", **FAST
    )
    summary = summarizer.summarize(TITLE, BODY)
    linear = summarizer._model.model.encoder.layers[0].fc1
    assert (
        not isinstance(linear, torch.nn.Linear)
        or "quantized" in type(linear).__module__
    )
    assert summary.text.startswith(tiny_seq2seq_model.summary)


def test_degenerate_output_falls_back_to_the_extractive_summary(silent_seq2seq_model):
    summarizer = TransformersSummarizer(
        model=str(silent_seq2seq_model.path), **{**FAST, "min_length": 0}
    )
    summary = summarizer.summarize(TITLE, BODY)
    extractive = ExtractiveSummarizer().summarize(TITLE, BODY)
    assert summary.text == extractive.text
    assert "빈 출력" in summary.fallback_reason
    assert summary.backend == "transformers"
    for sentence in summary.sentences:
        assert BODY[sentence.start : sentence.end] == sentence.text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "빈 출력"),
        ("the market rallied on rate cut hopes today.", "한국어 아님"),
        ("금리 금리 금리 금리 금리 인하", "같은 토큰 반복"),
        ("하하하하하하하하하하 시장이 올랐다.", "같은 토큰 반복"),
        ("금리를 내렸다.", "너무 짧음"),
        ("한국은행이 기준금리를 연 2.25%로 0.25%포인트 내렸다.", ""),
    ],
)
def test_degenerate_reasons(text, reason):
    assert degenerate_reason(text) == reason


def test_generated_text_keeps_complete_distinct_sentences():
    text = (
        "한국은행이 기준금리를 내렸다. 한국은행이 기준금리를 내렸다. "
        "시장은 추가 인하를 기대한다 금리는 연 2.25%로"
    )
    assert clean_generated(text) == ["한국은행이 기준금리를 내렸다."]
    assert clean_generated("정부는 지원책을 발표했다") == ["정부는 지원책을 발표했다."]


def test_loading_errors_name_the_model_where_and_how_to_fix(tmp_path):
    missing = tmp_path / "kobart"
    with pytest.raises(ModelLoadError) as error:
        TransformersSummarizer(model=str(missing)).summarize(TITLE, BODY)
    message = str(error.value)
    assert str(missing) in message and "does not exist" in message
    assert "save_pretrained" in message and "SUMMARIZER_BACKEND" in message
    missing.mkdir()
    with pytest.raises(ModelLoadError, match="no config.json"):
        TransformersSummarizer(model=str(missing)).summarize(TITLE, BODY)
    with pytest.raises(ModelLoadError, match="SUMMARIZER_MODEL"):
        TransformersSummarizer(model="")


def test_broken_model_files_are_reported_with_the_cause(tmp_path):
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelLoadError) as error:
        TransformersSummarizer(model=str(tmp_path)).summarize(TITLE, BODY)
    assert str(tmp_path) in str(error.value) and "Cause:" in str(error.value)


def test_importing_the_backends_loads_no_model_runtime():
    code = (
        "import sys, prism.nlp.summarize, prism.nlp.abstractive, prism.nlp.extractive\n"
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "False False", result.stderr
