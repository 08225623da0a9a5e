"""Publish every scheduled briefing that is due (safe to run twice or concurrently)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from prism.services.workflow import publish_due_briefings


class Command(BaseCommand):
    help = "발행 예약 시각이 지난 브리핑을 발행합니다(여러 번 실행해도 한 번만 발행)."

    def handle(self, *args, **options) -> None:
        published = publish_due_briefings()
        self.stdout.write(f"예약 브리핑 {len(published)}개를 발행했습니다.")
        for pk in published:
            self.stdout.write(f"  - 브리핑 #{pk}")
