"""Set up the demo: accounts, the sample corpus and today's draft briefings."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from prism.services.demo import DEMO_PASSWORD, demo_accounts_ensure, demo_corpus_import
from prism.services.generation import (
    generation_run_create,
    generation_run_execute,
    generation_run_summary,
)


class Command(BaseCommand):
    help = "데모 계정을 만들고 샘플 기사를 오늘 날짜 기준으로 가져옵니다."

    def handle(self, *args, **options):
        accounts = demo_accounts_ensure()
        report = demo_corpus_import()
        self.stdout.write(
            f"샘플 기사: 새로 {report.created}건, 갱신 {report.updated}건, "
            f"중복 {report.duplicates}건, 유사 중복 {report.near_duplicates}건"
        )
        self.stdout.write("데모 계정 (비밀번호는 모두 동일):")
        for account in accounts:
            self.stdout.write(
                f"  {account.role:<4} {account.username} / {DEMO_PASSWORD}"
            )
        self._generate_drafts()

    def _generate_drafts(self) -> None:
        """Today's draft for every active reader type, made here (no worker needed)."""
        today = timezone.localdate()
        # The sample corpus's newest day is today: generate as of the end of the day
        # so that every sample article counts, whatever the hour of the demo.
        end_of_day = timezone.make_aware(
            dt.datetime.combine(today, dt.time(23, 59, 59))
        )
        self.stdout.write(f"{today} 브리핑 초안을 만드는 중입니다…")
        run = generation_run_create(edition_date=today)
        run = generation_run_execute(run, now=end_of_day)
        for line in generation_run_summary(run):
            self.stdout.write(f"  {line}")
        self.stdout.write(
            f"생성 작업 #{run.pk}: {run.get_status_display()} — 관리자 화면의 "
            "‘브리핑’에서 초안을 검토하세요."
        )
