"""Word diffs of Korean text (prism.services.diffs): words stay whole."""

from __future__ import annotations

from prism.services.diffs import tokenize, word_diff


def test_korean_word_diff_keeps_words_whole():
    assert tokenize("삼성전자가 AI 반도체에 3조원을 투자했다.") == [
        "삼성전자가",
        " ",
        "AI",
        " ",
        "반도체에",
        " ",
        "3조원을",
        " ",
        "투자했다",
        ".",
    ]
    ops = word_diff(
        "삼성전자가 반도체 투자를 늘렸다.", "삼성전자가 배터리 투자를 줄였다."
    )
    assert [(op.kind, op.text) for op in ops] == [
        ("equal", "삼성전자가 "),
        ("delete", "반도체"),
        ("insert", "배터리"),
        ("equal", " 투자를 "),
        ("delete", "늘렸다"),
        ("insert", "줄였다"),
        ("equal", "."),
    ]


def test_rewritten_passage_reads_as_one_deletion_and_one_insertion():
    ops = word_diff(
        "1번 기사의 요약이다. 두 번째 문장이다.", "삼성전자가 배터리 투자를 늘렸다."
    )
    assert [(op.kind, op.text) for op in ops] == [
        ("delete", "1번 기사의 요약이다. 두 번째 문장이다."),
        ("insert", "삼성전자가 배터리 투자를 늘렸다."),
    ]
