"""The one way tests and benchmarks make articles and complete briefings.

Plain functions (the pytest fixtures in ``tests/conftest.py`` wrap them), so
``bench/`` can build the same briefings once Django is set up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Sequence

from django.utils import timezone

from prism.conf import prism_settings
from prism.models import Article, Briefing, BriefingItem, BriefingSection, ReaderType

# Numbers the made objects' headlines, bodies and user names apart.
NUMBERS = itertools.count(1)


def article_create(**fields) -> Article:
    """An Article with sensible defaults (its own headline and body); fields win."""
    number = next(NUMBERS)
    body = fields.pop(
        "body",
        f"테스트 기사 {number}의 본문입니다. 한국은행이 기준금리를 동결했다. "
        "시장에서는 연내 인하 가능성을 점치고 있다.",
    )
    defaults = {
        "headline": f"테스트 기사 {number}",
        "body_raw": body,
        "body": body,
        "section": "경제·금융",
        "published_at": timezone.now() - dt.timedelta(hours=2),
        "content_hash": hashlib.sha256(f"{body}{number}".encode()).hexdigest(),
    }
    defaults.update(fields)
    return Article.objects.create(**defaults)


def briefing_create(
    *,
    reader_type: ReaderType,
    status: str = Briefing.Status.DRAFT,
    articles: Sequence[Article] | None = None,
    section_body: str | None = None,
    summary: str | None = None,
    **fields,
) -> Briefing:
    """A complete briefing: 3 sections and 6 items (new articles unless given).

    ``section_body`` and ``summary`` replace every section's body and every item's
    summary; other fields override the briefing's own.
    """
    defaults = {
        "reader_type": reader_type,
        "edition_date": timezone.localdate(),
        "status": status,
        "headline": "오늘의 CEO 브리핑",
        "header_line": prism_settings.HEADER_LINE,
        "editors_note": prism_settings.EDITORS_NOTE,
        "lead": "첫 번째 리드 문단이다.\n\n두 번째 리드 문단이다.",
        "keywords": ["AI 반도체", "금리", "수출", "투자", "배터리"],
        "footer": prism_settings.footer,
    }
    briefing = Briefing.objects.create(**(defaults | fields))
    for position in range(1, 4):
        BriefingSection.objects.create(
            briefing=briefing,
            position=position,
            heading=f"주제 {position}",
            body=section_body or f"주제 {position}에 대한 문단이다.",
        )
    if articles is None:
        articles = [article_create() for _ in range(6)]
    for rank, article in enumerate(articles, start=1):
        BriefingItem.objects.create(
            briefing=briefing,
            rank=rank,
            group="interest" if rank <= 3 else "reference",
            article=article,
            headline=article.headline,
            summary=summary
            or f"{rank}번 기사의 요약이다. 두 번째 문장이다. 끝 문장이다.",
        )
    return briefing
