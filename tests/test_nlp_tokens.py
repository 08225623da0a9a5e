"""The tokenizer interface: konlpy taggers, offsets, laziness, errors."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from prism.nlp.tokens import (
    TOKENIZER_NAMES,
    Tokenizer,
    get_tokenizer,
    tokenize_with_offsets,
    tokens_in_spans,
)

ROOT = Path(__file__).resolve().parents[1]
TEXT = "퓨리오사AI는 AI 반도체를 만든다. 한국은행이 기준금리를 3.5%로 동결했다."


def test_one_tokenizer_per_name_and_process():
    okt = get_tokenizer("okt")
    assert get_tokenizer("OKT") is okt
    assert get_tokenizer() is okt
    assert isinstance(okt, Tokenizer)
    assert okt.name == "okt"


def test_unknown_tokenizer_names_the_choices():
    with pytest.raises(ValueError, match="okt, komoran, hannanum, mecab, kiwi"):
        get_tokenizer("nope")
    assert set(TOKENIZER_NAMES) == {"okt", "komoran", "hannanum", "mecab", "kiwi"}


def test_okt_tags_nouns_morphs_and_pos():
    okt = get_tokenizer("okt")
    assert ("반도체", "Noun") in okt.pos(TEXT)
    assert "기준금리" in okt.nouns(TEXT) or "금리" in okt.nouns(TEXT)
    assert okt.morphs("기준금리를 동결했다")[-1] == "했다"
    assert okt.pos("") == [] and okt.nouns("  ") == []


@pytest.mark.parametrize("name", ["okt", "komoran"])
def test_tokens_carry_offsets_into_the_text(name):
    tokens = tokenize_with_offsets(get_tokenizer(name), TEXT)
    located = [t for t in tokens if t.end > t.start]
    assert len(located) >= len(tokens) * 0.7
    for token in located:
        assert TEXT[token.start : token.end] == token.form
    assert [t.start for t in located] == sorted(t.start for t in located)


def test_tokens_group_by_sentence_spans():
    tokens = tokenize_with_offsets(get_tokenizer("okt"), TEXT)
    split = TEXT.index("한국은행")
    first, second = tokens_in_spans(tokens, [(0, split - 1), (split, len(TEXT))])
    assert "반도체" in [t.form for t in first]
    assert "동결" in [t.form for t in second]
    assert all(t.start >= split for t in second)


def test_concurrent_calls_give_the_same_result_as_serial_ones():
    okt = get_tokenizer("okt")
    texts = [f"{i}번째 문장에서 삼성전자가 반도체를 만든다." for i in range(24)]
    serial = [okt.pos(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(okt.pos, texts))
    assert parallel == serial


def test_missing_java_gives_an_error_that_says_how_to_fix_it():
    # A fresh process: the JVM can start only once per process.
    code = textwrap.dedent(
        """
        from prism.nlp.tokens import TokenizerUnavailable, get_tokenizer
        try:
            get_tokenizer("okt").pos("테스트")
        except TokenizerUnavailable as error:
            print(error)
        """
    )
    env = {**os.environ, "PRISM_JVM_PATH": "/nonexistent/libjvm.so"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Java runtime" in result.stdout
    assert "default-jre-headless" in result.stdout


def test_kiwi_backend_when_installed():
    pytest.importorskip("kiwipiepy")
    kiwi = get_tokenizer("kiwi")
    tokens = tokenize_with_offsets(kiwi, TEXT)
    nouns = [TEXT[t.start : t.end] for t in tokens if t.is_noun]
    assert "반도체" in nouns
    assert ("반도체", "NNG") in kiwi.pos(TEXT)
