"""Everything `make demo` sets up: demo accounts and the sample corpus."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from prism.ingest import ParseResult, parse_path
from prism.models import ReaderType, Subscriber
from prism.services.articles import ImportReport, articles_import

SAMPLE_CORPUS = (
    Path(__file__).resolve().parent.parent / "sample_data" / "articles.jsonl"
)
DEMO_PASSWORD = "prism-demo-2026"  # noqa: S105  (printed by `make demo`)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    groups: tuple[str, ...]
    is_staff: bool


DEMO_ACCOUNTS = (
    DemoAccount("editor", "편집자", ("Editors",), True),
    DemoAccount("chief", "편집장", ("Editors", "Chief editors"), True),
    DemoAccount("reader", "구독자", (), False),
)


@transaction.atomic
def demo_accounts_ensure(*, password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """Create (or reset) the demo editor, chief editor and subscriber accounts."""
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            username=account.username,
            defaults={"email": f"{account.username}@example.com"},
        )
        user.is_staff = account.is_staff
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=account.groups))
        subscriber, _ = Subscriber.objects.get_or_create(user=user)
        if not account.is_staff and not subscriber.reader_types.exists():
            subscriber.reader_types.set(
                ReaderType.objects.filter(slug="startup-founder")
            )
    return list(DEMO_ACCOUNTS)


def shift_to_edition(result: ParseResult, edition_date: dt.date) -> ParseResult:
    """Move the corpus in time so that its newest day becomes ``edition_date``."""
    dated = [a.published_at for a in result.articles if a.published_at is not None]
    if not dated:
        return result
    newest = max(timezone.localtime(moment).date() for moment in dated)
    delta = dt.timedelta(days=(edition_date - newest).days)
    articles = [
        dataclasses.replace(
            article,
            published_at=article.published_at + delta if article.published_at else None,
        )
        for article in result.articles
    ]
    return dataclasses.replace(result, articles=articles)


def demo_corpus_import(*, edition_date: dt.date | None = None) -> ImportReport:
    """Import the bundled sample corpus, dated so its last day is ``edition_date``."""
    edition_date = edition_date or timezone.localdate()
    result = parse_path(str(SAMPLE_CORPUS), fmt="jsonl", source="PRISM 샘플")
    return articles_import(result=shift_to_edition(result, edition_date))
