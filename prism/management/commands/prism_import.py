"""``manage.py prism_import PATH_OR_URL...``: import articles from files or URLs."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.utils import timezone
from tqdm import tqdm

from prism.conf import prism_settings
from prism.ingest import FORMATS, IngestError, ParseResult, RejectedRecord, parse_path
from prism.services.articles import ImportInterrupted, ImportReport, articles_import

logger = logging.getLogger(__name__)

# Inputs with fewer records import in a blink; a progress bar would only flicker.
PROGRESS_MIN_RECORDS = 100


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"양의 정수가 아닙니다: {value!r}")
    return number


def _edition_time(value: str) -> dt.datetime:
    """``--published-at``: a date or date and time, in Asia/Seoul when no zone."""
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r}은(는) YYYY-MM-DD 또는 YYYY-MM-DDTHH:MM 형식이 아닙니다"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo("Asia/Seoul"))
    return parsed


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class Command(BaseCommand):
    help = (
        "기사를 파일이나 http(s) URL에서 가져옵니다 "
        f"(형식: {', '.join(FORMATS)}; 기본은 자동 감지). "
        "모든 입력을 먼저 읽고, 하나라도 읽을 수 없으면 아무것도 저장하지 않습니다. "
        "기사는 --batch-size건씩 나눠 커밋합니다(다른 작업이 오래 기다리지 않도록)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "inputs",
            nargs="+",
            metavar="PATH_OR_URL",
            help="파일 경로 또는 http(s) URL",
        )
        parser.add_argument(
            "--format",
            default="auto",
            choices=["auto", *FORMATS],
            dest="fmt",
            help="입력 형식; auto는 내용으로 알아냅니다",
        )
        parser.add_argument("--source", default="", help="출처(언론사) 이름")
        parser.add_argument(
            "--max-bytes",
            type=_positive_int,
            default=None,
            help="입력 하나의 최대 크기(바이트); 기본은 PRISM IMPORT_MAX_BYTES",
        )
        parser.add_argument(
            "--batch-size",
            type=_positive_int,
            default=None,
            help="한 번에 커밋할 기사 수; 기본은 PRISM IMPORT_BATCH_SIZE",
        )
        parser.add_argument(
            "--published-at",
            type=_edition_time,
            default=None,
            metavar="YYYY-MM-DD[THH:MM]",
            help=(
                "날짜가 없는 기사(검색 결과, 리드 목록)의 발행 시각(서울 시각); "
                "없으면 가져온 시각을 추정 발행 시각으로 씁니다"
            ),
        )
        parser.add_argument(
            "--single-transaction",
            action="store_true",
            help=(
                "모든 입력을 한 트랜잭션으로 저장합니다(모두 저장하거나 하나도 "
                "저장하지 않음). SQLite에서는 끝날 때까지 다른 쓰기가 기다립니다."
            ),
        )

    def handle(
        self, *args, inputs: list[str], fmt: str, source: str, **options
    ) -> None:
        max_bytes = options["max_bytes"] or int(prism_settings.IMPORT_MAX_BYTES)
        self.undated_at = options.get("published_at") or timezone.now()
        results = [(name, self._parse(name, fmt, source, max_bytes)) for name in inputs]
        if options["single_transaction"]:
            reports = self._import_all_or_nothing(results, source)
        else:
            batch_size = options["batch_size"] or int(prism_settings.IMPORT_BATCH_SIZE)
            reports = self._import_in_batches(results, source, batch_size)
        if options["verbosity"] >= 1:
            self._print_summary(reports)

    def _import_all_or_nothing(self, results, source: str) -> list:
        try:
            with transaction.atomic():
                return [
                    (name, result, self._import(name, result, source, None))
                    for name, result in results
                ]
        except DatabaseError as error:
            raise CommandError(
                f"데이터베이스 오류로 가져오기를 모두 취소했습니다: {_one_line(error)}"
            ) from None

    def _import_in_batches(self, results, source: str, batch_size: int) -> list:
        reports = []
        for name, result in results:
            try:
                report = self._import(name, result, source, batch_size)
            except (ImportInterrupted, DatabaseError) as stop:
                error, stored = (
                    (stop.error, stop.stored)
                    if isinstance(stop, ImportInterrupted)
                    else (stop, 0)  # before the first batch: reading candidates
                )
                raise CommandError(
                    f"{name}: 데이터베이스 오류로 가져오기를 멈췄습니다"
                    f"({_one_line(error)}). "
                    + _stored_before(reports, name, stored, len(result.articles))
                ) from None
            reports.append((name, result, report))
        return reports

    def _parse(self, name: str, fmt: str, source: str, max_bytes: int) -> ParseResult:
        try:
            return parse_path(name, fmt=fmt, source=source, max_bytes=max_bytes)
        except IngestError as error:
            raise CommandError(_one_line(error)) from None
        except Exception as error:
            # A parser bug must still end in one clear line naming the file.
            logger.exception("prism_import failed on %s", name)
            raise CommandError(
                f"{name}: 읽는 중 예기치 못한 오류({type(error).__name__}: "
                f"{_one_line(error)})"
            ) from None

    def _import(
        self, name: str, result: ParseResult, source: str, batch_size: int | None
    ) -> ImportReport:
        total = len(result.articles)
        with tqdm(
            total=total,
            desc=name,
            unit="건",
            file=self.stderr._out,  # the raw stream: OutputWrapper adds newlines
            disable=total < PROGRESS_MIN_RECORDS,
        ) as bar:
            return articles_import(
                result=result,
                source=source,
                on_progress=lambda done, total: bar.update(done - bar.n),
                batch_size=batch_size,
                undated_at=self.undated_at,
            )

    def _print_summary(
        self, reports: list[tuple[str, ParseResult, ImportReport]]
    ) -> None:
        totals = ImportReport()
        for name, result, report in reports:
            self.stdout.write(
                f"{name} ({result.format}): 기사 {len(result.articles)}건 - "
                + _counts(report)
            )
            for field in ("created", "updated", "duplicates", "near_duplicates"):
                setattr(totals, field, getattr(totals, field) + getattr(report, field))
            totals.rejected += [
                RejectedRecord(f"{name} {record.location}", record.reason)
                for record in report.rejected
            ]
        self.stdout.write(self.style.SUCCESS("가져오기 완료: " + _counts(totals)))
        undated = sum(
            1 for _, result, _ in reports for a in result.articles if not a.published_at
        )
        if undated:
            when = timezone.localtime(self.undated_at)
            self.stdout.write(
                f"날짜가 없는 기사 {undated}건은 발행 시각을 {when:%Y-%m-%d %H:%M}"
                "(추정)으로 저장했습니다."
            )
        if totals.rejected:
            self.stdout.write(
                self.style.WARNING(f"거부된 레코드 {len(totals.rejected)}건:")
            )
            for record in totals.rejected:
                self.stdout.write(f"  {record.location}: {record.reason}")


def _counts(report: ImportReport) -> str:
    return (
        f"생성 {report.created}건, 갱신 {report.updated}건, "
        f"중복 {report.duplicates}건, 유사 중복 {report.near_duplicates}건, "
        f"거부 {len(report.rejected)}건"
    )


def _stored_before(reports: list, name: str, stored: int, total: int) -> str:
    """What an interrupted batched import kept, and how to finish it."""
    kept = [f"{done} 전부" for done, _, _ in reports]
    if stored:
        kept.append(f"{name}의 앞 {stored}건(전체 {total}건 중)")
    if not kept:
        return "아무것도 저장하지 않았습니다."
    return (
        f"이미 저장됨: {', '.join(kept)}. 같은 명령을 다시 실행하면 저장된 기사는 "
        "중복으로 건너뛰고 나머지만 가져옵니다."
    )
