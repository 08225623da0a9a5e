"""``manage.py prism_summarize``: JSON lines in, JSON lines out, no database."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

ARTICLE = {
    "id": "a1",
    "title": "한은, 기준금리 0.25%p 인하",
    "body": (
        "한국은행이 기준금리를 0.25%포인트 내렸다. 금융통화위원회는 19일 회의를 열고 "
        "기준금리를 연 2.50%에서 2.25%로 인하했다. 지난해 5월 이후 1년 6개월 만의 "
        "인하로, 기준금리는 2022년 8월 이후 가장 낮은 수준이 됐다. 시장에서는 내년 "
        "상반기 추가 인하 가능성에 무게를 두고 있다."
    ),
}
SENTENCES = {
    "id": 7,
    "title": "",
    "sentences": [
        "정부가 소상공인 배달비와 카드수수료를 최대 50만 원까지 지원한다.",
        "3조 원 규모의 저금리 대환대출도 공급한다.",
        "지원 대상은 연 매출 3억 원 이하 소상공인이다.",
        "신청은 다음 달부터 온라인으로 받는다.",
    ],
}


def write_jsonl(path, records) -> None:
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
            for r in records
        ),
        encoding="utf-8",
    )


def run(*args: str) -> str:
    stderr = io.StringIO()
    call_command("prism_summarize", *args, stderr=stderr, stdout=io.StringIO())
    return stderr.getvalue()


def test_input_and_output_contract_without_a_database(tmp_path, fresh_summarizers):
    # No `db` fixture: pytest-django fails any query, so this proves no DB access.
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(source, [ARTICLE, "", SENTENCES])
    log = run("--input", str(source), "--output", str(target), "--sentences", "2")
    rows = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["a1", 7]
    first = rows[0]
    assert set(first) >= {
        "id", "summary", "sentences", "offsets", "keywords", "backend", "model"
    }  # fmt: skip
    assert first["backend"] == "extractive" and first["model"] == "prism-textrank/okt"
    assert len(first["sentences"]) == 2
    for text, (start, end) in zip(first["sentences"], first["offsets"], strict=True):
        assert ARTICLE["body"][start:end] == text
    assert first["summary"] == " ".join(first["sentences"])
    given = "\n".join(SENTENCES["sentences"])
    for text, (start, end) in zip(
        rows[1]["sentences"], rows[1]["offsets"], strict=True
    ):
        assert given[start:end] == text and text in SENTENCES["sentences"]
    assert "2건을 요약해" in log and "요약" in log


def test_batches_and_a_named_backend(
    tmp_path, tiny_seq2seq_model, settings, fresh_summarizers
):
    settings.PRISM = {
        **settings.PRISM,
        "SUMMARIZER_MODEL": str(tiny_seq2seq_model.path),
        "SUMMARIZER_BACKEND": "extractive",
    }
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(source, [dict(ARTICLE, id=i) for i in range(5)])
    run(
        "--input", str(source), "--output", str(target),
        "--backend", "transformers", "--batch-size", "2",
    )  # fmt: skip
    rows = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert [row["id"] for row in rows] == [0, 1, 2, 3, 4]
    assert {row["backend"] for row in rows} == {"transformers"}
    assert {row["model"] for row in rows} == {str(tiny_seq2seq_model.path)}
    assert all(row["summary"] and row["sentences"] for row in rows)


def test_bad_lines_are_named_and_nothing_is_written(tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(
        source,
        [
            ARTICLE,
            "{not json",
            {"title": "id 없음", "body": "본문이다."},
            {"id": 3, "title": "본문 없음"},
            {"id": 4, "sentences": "문자열"},
            {"id": 5, "title": 1, "body": "본문이다."},
            ["목록"],
        ],
    )
    with pytest.raises(CommandError) as error:
        run("--input", str(source), "--output", str(target))
    message = str(error.value)
    assert "잘못된 줄이 6개" in message
    for line, words in [
        (2, "JSON이 아닙니다"),
        (3, '"id"가 없습니다'),
        (4, '"body"나 "sentences"가 없습니다'),
        (5, '"sentences"는 문자열 목록'),
        (6, '"title"은 문자열'),
        (7, "JSON 객체가 아닙니다"),
    ]:
        assert f"in.jsonl:{line}: {words}" in message
    assert not target.exists()


def test_missing_input_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="입력 파일을 열 수 없습니다"):
        run("--input", str(tmp_path / "nope.jsonl"), "--output", str(tmp_path / "o"))


def test_unknown_backend_is_reported(tmp_path):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [ARTICLE])
    with pytest.raises(CommandError, match="요약기를 준비할 수 없습니다"):
        run("--input", str(source), "--output", str(tmp_path / "o"), "--backend", "x")
