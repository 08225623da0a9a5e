"""The publish guards: what a briefing must hold before it may go live."""

from __future__ import annotations

from typing import Any

from prism.conf import prism_settings
from prism.models import Briefing, BriefingItem, BriefingSection
from prism.services.workflow.errors import PublishGuardError


def _footer_problems(footer: str) -> list[str]:
    footer = (footer or "").strip()
    if not footer:
        return ["저작권 문구가 없습니다."]
    if footer != prism_settings.footer:
        return [
            f"저작권 문구가 설정된 문구와 다릅니다(필요: ‘{prism_settings.footer}’)."
        ]
    return []


def _keywords_problems(keywords: list[Any]) -> list[str]:
    keywords = [k for k in (keywords or []) if str(k).strip()]
    wanted = int(prism_settings.KEYWORDS_PER_BRIEFING)
    if len(keywords) != wanted:
        return [f"키워드가 {len(keywords)}개입니다(필요: {wanted}개)."]
    return []


def _editors_note_problems(editors_note: str) -> list[str]:
    return [] if (editors_note or "").strip() else ["편집자 주가 없습니다."]


# The checks of the briefing's own fields, by field (forms check typed values too).
FIELD_CHECKS = {
    "footer": _footer_problems,
    "keywords": _keywords_problems,
    "editors_note": _editors_note_problems,
}


def field_problems(field: str, value: Any) -> list[str]:
    """What keeps ``value`` of the briefing's own ``field`` from going live."""
    check = FIELD_CHECKS.get(field)
    return check(value) if check else []


def _parts_problems(
    rows: list[Any], *, wanted: int, count: str, key: str, blanks: dict[str, str]
) -> list[str]:
    """``count`` unless there are ``wanted`` rows, then each blank field's message
    (``blanks``: field → message, formatted with the row's ``key``)."""
    problems = []
    if len(rows) != wanted:
        problems.append(count.format(found=len(rows), wanted=wanted))
    for row in rows:
        for field, message in blanks.items():
            if not (getattr(row, field) or "").strip():
                problems.append(message.format(getattr(row, key)))
    return problems


def _items_problems(briefing: Briefing) -> list[str]:
    return _parts_problems(
        list(BriefingItem.objects.filter(briefing=briefing).order_by("rank")),
        wanted=int(prism_settings.ITEMS_PER_BRIEFING),
        count="기사가 {found}개입니다(필요: {wanted}개).",
        key="rank",
        blanks={
            "summary": "{}번 기사의 핵심 요약이 비어 있습니다.",
            "headline": "{}번 기사의 제목이 비어 있습니다.",
        },
    )


def _sections_problems(briefing: Briefing) -> list[str]:
    return _parts_problems(
        list(BriefingSection.objects.filter(briefing=briefing).order_by("position")),
        wanted=int(prism_settings.SECTIONS_PER_BRIEFING),
        count="주제 섹션이 {found}개입니다(필요: {wanted}개).",
        key="position",
        blanks={
            "heading": "{}번째 주제 섹션의 제목이 비어 있습니다.",
            "body": "{}번째 주제 섹션의 본문이 비어 있습니다.",
        },
    )


def publish_problems_by_field(briefing: Briefing) -> dict[str, list[str]]:
    """What is missing before ``briefing`` may go live, by field ("items" and
    "sections" for its parts); empty when complete."""
    problems = {
        "footer": _footer_problems(briefing.footer),
        "items": _items_problems(briefing),
        "sections": _sections_problems(briefing),
        "keywords": _keywords_problems(briefing.keywords),
        "editors_note": _editors_note_problems(briefing.editors_note),
    }
    return {field: messages for field, messages in problems.items() if messages}


def publish_problems(briefing: Briefing) -> list[str]:
    """Every message of ``publish_problems_by_field`` in one list, for editors."""
    return [
        message
        for messages in publish_problems_by_field(briefing).values()
        for message in messages
    ]


def require_complete(briefing: Briefing) -> None:
    """Refuse (PublishGuardError) a briefing that may not go live as it is."""
    problems = publish_problems(briefing)
    if problems:
        raise PublishGuardError(problems)
