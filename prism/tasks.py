"""django-q2 entry points: thin functions that take ids and call services.

Services are imported inside each task so that importing this module (the cluster
does, to resolve scheduled tasks) never starts a JVM or loads a model: forked
workers and an initialised JVM or torch deadlock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

logger = logging.getLogger(__name__)


def summarize_articles(article_ids: list[int]) -> int:
    """Make the current 핵심 요약 of each article that lacks one; returns how many."""
    from prism.services.summaries import articles_summarize

    summaries = articles_summarize(article_ids=list(article_ids))
    return len(summaries) if summaries is not None else 0


def index_articles(article_ids: list[int]) -> int:
    """Store selection's noun index of each article lacking one; returns how many."""
    from prism.services.selection import articles_index

    return articles_index(article_ids=list(article_ids))


def generate_briefing_for_reader_type(run_id: int, reader_type_id: int) -> str:
    """Generate one reader type's draft within a run; returns its final status."""
    from prism.services.generation import generation_reader_type_run

    return generation_reader_type_run(run_id=run_id, reader_type_id=reader_type_id)


def generate_briefings(
    edition_date: dt.date | str | None = None,
    reader_types: Iterable[str | int] | None = None,
) -> int:
    """Start a run for the edition (default today): one task per reader type."""
    from django.utils import timezone

    from prism.models import ReaderType
    from prism.services.generation import generation_enqueue

    if isinstance(edition_date, str):
        edition_date = dt.date.fromisoformat(edition_date)
    selected = None
    if reader_types:
        wanted = list(reader_types)
        selected = ReaderType.objects.filter(is_active=True).filter(
            **(
                {"pk__in": wanted}
                if all(isinstance(v, int) for v in wanted)
                else {"slug__in": [str(v) for v in wanted]}
            )
        )
    run = generation_enqueue(
        edition_date=edition_date or timezone.localdate(), reader_types=selected
    )
    logger.info("generation run %s enqueued for %s", run.pk, run.edition_date)
    return run.pk


def recover_generation_runs() -> int:
    """Retry or fail generation work whose task was lost; how many runs were touched."""
    from prism.services.generation import generation_runs_recover

    return len(generation_runs_recover())


def send_briefing_digest(briefing_id: int) -> int:
    """E-mail a published briefing to its opted-in subscribers (each at most once)."""
    from prism.models import Briefing
    from prism.services.digest import digest_send

    briefing = Briefing.objects.filter(pk=briefing_id).select_related("reader_type")
    found = briefing.first()
    if found is None:
        logger.warning("digest: briefing %s no longer exists", briefing_id)
        return 0
    return digest_send(briefing=found)


def publish_scheduled_briefings() -> int:
    """Publish every scheduled briefing that is due; safe to run twice at once."""
    from prism.services.workflow import publish_due_briefings

    published = publish_due_briefings()
    if published:
        logger.info("scheduled publishing: published briefings %s", published)
    return len(published)
