"""Export one briefing as plain text (for the CMS), HTML or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from prism.models import Briefing
from prism.services.render import (
    briefing_render_html,
    briefing_render_text,
    briefing_to_dict,
)


class Command(BaseCommand):
    help = "브리핑을 텍스트(CMS용), HTML 또는 JSON으로 내보냅니다."

    def add_arguments(self, parser) -> None:
        parser.add_argument("briefing_id", type=int, help="브리핑 번호")
        parser.add_argument(
            "--format",
            choices=["text", "html", "json"],
            default="text",
            help="내보낼 형식 (기본: text)",
        )
        parser.add_argument("--output", "-o", help="이 파일에 씁니다 (기본: 화면)")

    def handle(self, *args, briefing_id: int, format: str, output=None, **options):
        briefing = Briefing.objects.with_content().filter(pk=briefing_id).first()
        if briefing is None:
            raise CommandError(f"브리핑 #{briefing_id}이(가) 없습니다.")
        if format == "text":
            content = briefing_render_text(briefing)
        elif format == "html":
            content = briefing_render_html(briefing)
        else:
            data = briefing_to_dict(briefing, internal=True)
            content = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(content, encoding="utf-8")
            self.stdout.write(f"{output}에 저장했습니다.")
        else:
            self.stdout.write(content, ending="")
