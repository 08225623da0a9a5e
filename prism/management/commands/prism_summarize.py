"""``manage.py prism_summarize --input IN.jsonl --output OUT.jsonl``: summarize files.

Needs no database: it reads JSON lines, summarizes them with the configured (or the
named) summarizer and writes JSON lines, so it runs anywhere the settings load.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from prism.conf import prism_settings
from prism.nlp.summarize import Summary
from prism.services.summaries import summarizer_from_settings

MAX_REPORTED_ERRORS = 20


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"양의 정수가 아닙니다: {value!r}")
    return number


@dataclass
class Document:
    """One input line: an id, a headline and the body to summarize."""

    line: int
    id: Any
    title: str
    body: str


class Command(BaseCommand):
    help = (
        'JSON Lines 파일의 기사({"id", "title", "body"} 또는 "sentences": [...])를 '
        "요약해 JSON Lines로 씁니다. 데이터베이스가 필요 없습니다. "
        "'-'는 표준 입력/출력입니다."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument("--input", required=True, help="입력 JSONL 경로 또는 -")
        parser.add_argument("--output", required=True, help="출력 JSONL 경로 또는 -")
        parser.add_argument(
            "--backend",
            default=None,
            help="요약기: extractive, transformers 또는 클래스 경로 "
            "(기본: PRISM SUMMARIZER_BACKEND)",
        )
        parser.add_argument(
            "--sentences",
            type=_positive_int,
            default=None,
            help="요약 문장 수 (기본: PRISM SUMMARY_SENTENCES)",
        )
        parser.add_argument(
            "--batch-size",
            type=_positive_int,
            default=None,
            help="한 번에 요약할 기사 수 (기본: PRISM SUMMARIZE_BATCH_SIZE)",
        )

    def handle(self, *args, **options) -> None:
        documents = self._read(options["input"])
        n_sentences = options["sentences"] or int(prism_settings.SUMMARY_SENTENCES)
        batch_size = options["batch_size"] or int(prism_settings.SUMMARIZE_BATCH_SIZE)
        try:
            summarizer = summarizer_from_settings(backend=options["backend"])
        except Exception as error:
            raise CommandError(f"요약기를 준비할 수 없습니다: {error}") from None
        progress = tqdm(
            total=len(documents),
            desc="요약",
            unit="건",
            file=sys.stderr,
            disable=options["verbosity"] == 0,
        )
        with progress, _open_output(options["output"]) as output:
            for begin in range(0, len(documents), batch_size):
                batch = documents[begin : begin + batch_size]
                pairs = [(doc.title, doc.body) for doc in batch]
                try:
                    summaries = summarizer.summarize_batch(pairs, n_sentences)
                except Exception as error:
                    raise CommandError(
                        f"{batch[0].line}~{batch[-1].line}번째 줄을 요약하지 "
                        f"못했습니다: {error}"
                    ) from None
                for document, summary in zip(batch, summaries, strict=True):
                    output.write(_record(document, summary) + "\n")
                output.flush()
                progress.update(len(batch))
        if options["verbosity"] >= 1 and options["output"] != "-":
            self.stderr.write(
                f"{len(documents)}건을 요약해 {options['output']}에 썼습니다."
            )

    def _read(self, name: str) -> list[Document]:
        """Parse and check every line first, so no half-written output is left."""
        documents: list[Document] = []
        errors: list[str] = []
        label = "표준 입력" if name == "-" else name
        with _open_input(name) as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    documents.append(_document(number, line))
                except ValueError as error:
                    errors.append(f"{label}:{number}: {error}")
        if errors:
            shown = errors[:MAX_REPORTED_ERRORS]
            more = len(errors) - len(shown)
            tail = f"\n… 외 {more}줄" if more else ""
            raise CommandError(
                f"입력에 잘못된 줄이 {len(errors)}개 있어 아무것도 요약하지 "
                "않았습니다:\n" + "\n".join(shown) + tail
            )
        return documents


def _document(number: int, line: str) -> Document:
    """One validated input line."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"JSON이 아닙니다 ({error.msg}, {error.colno}번째 글자)"
        ) from None
    if not isinstance(record, dict):
        raise ValueError("JSON 객체가 아닙니다")
    if "id" not in record or record["id"] in (None, ""):
        raise ValueError('"id"가 없습니다')
    title = record.get("title", "")
    if not isinstance(title, str):
        raise ValueError('"title"은 문자열이어야 합니다')
    if "body" in record:
        body = record["body"]
        if not isinstance(body, str):
            raise ValueError('"body"는 문자열이어야 합니다')
    elif "sentences" in record:
        sentences = record["sentences"]
        if not isinstance(sentences, list) or not all(
            isinstance(s, str) for s in sentences
        ):
            raise ValueError('"sentences"는 문자열 목록이어야 합니다')
        # One sentence per line keeps the given sentence boundaries.
        body = "\n".join(" ".join(s.split()) for s in sentences)
    else:
        raise ValueError('"body"나 "sentences"가 없습니다')
    if not body.strip():
        raise ValueError("본문이 비어 있습니다")
    return Document(number, record["id"], title, body)


def _record(document: Document, summary: Summary) -> str:
    return json.dumps(
        {
            "id": document.id,
            "summary": summary.text,
            "sentences": [sentence.text for sentence in summary.sentences],
            "offsets": [list(offset) for offset in summary.offsets],
            "keywords": summary.keywords,
            "backend": summary.backend,
            "model": summary.model_name,
            "model_version": summary.model_version,
            "fallback_reason": summary.fallback_reason,
        },
        ensure_ascii=False,
    )


@contextmanager
def _open_input(name: str) -> Iterator[IO[str]]:
    if name == "-":
        yield sys.stdin
        return
    try:
        handle = Path(name).open(encoding="utf-8-sig")
    except OSError as error:
        raise CommandError(
            f"입력 파일을 열 수 없습니다: {name} ({error.strerror})"
        ) from None
    with handle:
        try:
            yield handle
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{name}: UTF-8 텍스트가 아닙니다 ({error.reason})"
            ) from None


@contextmanager
def _open_output(name: str) -> Iterator[IO[str]]:
    if name == "-":
        yield sys.stdout
        return
    try:
        handle = Path(name).open("w", encoding="utf-8")
    except OSError as error:
        raise CommandError(
            f"출력 파일을 열 수 없습니다: {name} ({error.strerror})"
        ) from None
    with handle:
        yield handle
