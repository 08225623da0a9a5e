"""Set up the demo: accounts, the sample corpus and today's draft briefings."""

from django.core.management.base import BaseCommand

from prism.services.demo import DEMO_PASSWORD, demo_accounts_ensure, demo_corpus_import


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
