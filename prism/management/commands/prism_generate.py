"""Generate draft briefings: in the background (default) or here with --sync."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from prism.models import Briefing, ReaderType
from prism.services.generation import (
    generation_enqueue,
    generation_run_create,
    generation_run_execute,
    generation_run_summary,
)


class Command(BaseCommand):
    help = (
        "독자 유형별 브리핑 초안을 만듭니다. 기본은 작업 큐에 넣고 작업 번호를 "
        "알려 주며, --sync는 이 자리에서 만듭니다."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            help="발행일 YYYY-MM-DD (기본: 오늘)",
        )
        parser.add_argument(
            "--reader-type",
            action="append",
            dest="reader_types",
            metavar="SLUG",
            help="이 독자 유형만 (여러 번 쓸 수 있음; 기본: 사용 중인 전부)",
        )
        parser.add_argument(
            "--sync", action="store_true", help="작업 큐 없이 지금 바로 만듭니다."
        )

    def handle(self, *args, date=None, reader_types=None, sync=False, **options):
        edition_date = date or timezone.localdate()
        selected = self._reader_types(reader_types)
        if not sync:
            run = generation_enqueue(edition_date=edition_date, reader_types=selected)
            self.stdout.write(
                f"생성 작업 #{run.pk}을(를) 큐에 넣었습니다 ({edition_date}, "
                f"독자 유형 {len(run.progress)}개). 진행 상황은 관리자 화면의 "
                "‘생성 작업’에서 볼 수 있습니다."
            )
            return
        run = generation_run_create(edition_date=edition_date, reader_types=selected)
        self._execute(run)
        for line in generation_run_summary(run):
            self.stdout.write(f"  {line}")
        if options["verbosity"] >= 1:
            self._print_findings(run)
        self.stdout.write(f"생성 작업 #{run.pk}: {run.get_status_display()}")
        if run.status == run.Status.FAILED:
            raise CommandError(f"생성 작업 #{run.pk}이(가) 실패했습니다.")

    def _print_findings(self, run) -> None:
        """Each draft's quality report: what an editor should look at first."""
        briefings = Briefing.objects.filter(generation_run=run).select_related(
            "reader_type"
        )
        for briefing in briefings.order_by("reader_type__ordering", "id"):
            findings = briefing.quality_findings or []
            if not findings:
                continue
            self.stdout.write(f"  [{briefing.reader_type.name}] 품질 점검:")
            for finding in findings:
                mark = "!" if finding.get("severity") == "hard" else "-"
                excerpt = finding.get("excerpt") or ""
                if len(excerpt) > 60:
                    excerpt = excerpt[:59] + "…"
                tail = f" “{excerpt}”" if excerpt else ""
                self.stdout.write(f"    {mark} {finding.get('message', '')}{tail}")

    def _reader_types(self, slugs: list[str] | None):
        if not slugs:
            return None
        found = list(ReaderType.objects.filter(slug__in=slugs))
        missing = sorted(set(slugs) - {rt.slug for rt in found})
        if missing:
            raise CommandError(f"없는 독자 유형입니다: {', '.join(missing)}")
        return found

    def _execute(self, run) -> None:
        from tqdm import tqdm

        with tqdm(
            total=len(run.progress),
            desc=f"{run.edition_date} 브리핑",
            unit="개",
            file=self.stderr._out,
            disable=not self.stderr.isatty(),
        ) as bar:

            def advance(slug: str, status: str) -> None:
                bar.set_postfix_str(f"{slug}: {status}")
                bar.update(1)

            generation_run_execute(run, on_progress=advance)
