"""Importing parsed articles into the database; exact and near-duplicate handling;
an editor's correction of one article."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from prism.conf import prism_settings
from prism.ingest import (
    NearDuplicateIndex,
    ParsedArticle,
    ParseResult,
    RejectedRecord,
    content_hash,
)
from prism.ingest.json_records import parse_records
from prism.ingest.validation import published_at_problem
from prism.models import Article, AuditEvent
from prism.services.audit import Actor, audit_record

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]

# Near-duplicates are looked for among articles published this close to the batch;
# older stories are not candidates for today's selection anyway.
NEAR_DUPLICATE_WINDOW = dt.timedelta(days=14)

# Fields an identical article (same URL or id) may bring new values for.
_UPDATABLE = (
    "headline", "section", "subsection", "byline", "published_at",
    "published_at_estimated", "body_raw", "body", "language", "external_id", "url",
)  # fmt: skip
# Fields a same-content article may fill in where the stored one has none.
_FILLABLE = (
    "url", "external_id", "source", "section", "subsection", "byline", "published_at",
)  # fmt: skip


@dataclass
class ImportReport:
    """What one import did; ``article_ids`` are the articles created or updated."""

    created: int = 0
    updated: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    rejected: list[RejectedRecord] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)


def after_import(article_ids: list[int]) -> None:
    """Hook run once an import has committed, with the created or updated article ids.

    Enqueues background summarization and indexing (for selection) of the new
    originals in batches of ``SUMMARIZE_BATCH_SIZE`` (near-duplicates are never
    selected, so they are neither). It runs through ``transaction.on_commit``, so it
    never sees (or enqueues work for) articles of a rolled-back import.
    """
    from django_q.tasks import async_task

    originals = list(
        Article.objects.originals()
        .filter(pk__in=article_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = max(1, int(prism_settings.SUMMARIZE_BATCH_SIZE))
    for begin in range(0, len(originals), size):
        batch = originals[begin : begin + size]
        async_task("prism.tasks.summarize_articles", batch, group="prism-summaries")
        async_task("prism.tasks.index_articles", batch, group="prism-index")


class ImportInterrupted(Exception):
    """A database error stopped a batched import; earlier batches stay stored.

    ``report`` counts what the committed batches stored; ``stored`` is how many of
    the parsed articles they covered. Importing the same input again skips those
    (they are duplicates now) and stores the rest.
    """

    def __init__(self, error: Exception, *, report: ImportReport, stored: int) -> None:
        super().__init__(str(error))
        self.error = error
        self.report = report
        self.stored = stored


def articles_import(
    *,
    result: ParseResult,
    source: str = "",
    threshold: float | None = None,
    on_progress: ProgressCallback | None = None,
    batch_size: int | None = None,
    undated_at: dt.datetime | None = None,
) -> ImportReport:
    """Store ``result``'s articles and report what happened.

    Exact duplicates (same URL, same source and external id, or same content hash)
    create nothing: changed fields of the same article are updated, otherwise the
    record counts as a duplicate. New articles similar to an existing one (at least
    ``threshold``, default ``NEAR_DUPLICATE_THRESHOLD``) are stored with
    ``duplicate_of`` set.

    Without ``batch_size`` everything is stored in one transaction and any database
    error rolls the whole import back. With it, articles are committed ``batch_size``
    at a time, so a long import never holds SQLite's write lock for more than one
    batch; each batch is all-or-nothing, and a database error raises
    :class:`ImportInterrupted` after the batches before it have been committed.

    Records without a date (search-result pages, lead lists) are dated
    ``undated_at``, or the import time, and marked as estimated, so they can be
    candidates. Articles are stored oldest first: among near-duplicates the
    earliest, fullest copy becomes the original.
    """
    if threshold is None:
        threshold = float(prism_settings.NEAR_DUPLICATE_THRESHOLD)
    result = _without_implausible_dates(result)
    articles = _dated_oldest_first(result.articles, undated_at or timezone.now())
    # Reading the candidates for near-duplicates takes no lock of any kind.
    index = _near_duplicate_index(articles, threshold)
    report = ImportReport(rejected=list(result.rejected))
    context = {"source": source, "index": index, "on_progress": on_progress}
    if not batch_size:
        with transaction.atomic():
            _import_batch(articles, report, offset=0, total=len(articles), **context)
        return report
    for begin in range(0, len(articles), batch_size):
        batch = articles[begin : begin + batch_size]
        batch_report = ImportReport()
        try:
            with transaction.atomic():
                _import_batch(
                    batch, batch_report, offset=begin, total=len(articles), **context
                )
        except DatabaseError as error:
            raise ImportInterrupted(error, report=report, stored=begin) from error
        _merge(report, batch_report)
    return report


class RecordsRejected(Exception):
    """Some pushed records were bad, so none was stored.

    ``problems`` lists ``(index, reason)`` for each bad record, index counting from 0.
    """

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(f"{len(problems)} record(s) rejected")
        self.problems = problems


def articles_import_records(
    *,
    records: Sequence[object],
    source: str,
    check: Callable[[object], object] | None = None,
) -> ImportReport:
    """Store records of the import schema (a CMS push) all together, or none.

    They are read like a JSON input of ``prism_import`` (``check`` may vet each one
    first by raising RecordError) and stored in one transaction; any bad record
    raises :class:`RecordsRejected` naming every bad one, and nothing is stored.
    """
    result = parse_records(records, source=source, format="api", start=0, check=check)
    if result.rejected:
        index_of = {f"record {index}": index for index in range(len(records))}
        raise RecordsRejected(
            [(index_of[record.location], record.reason) for record in result.rejected]
        )
    return articles_import(result=result, source=source)


ARTICLE_EDITED = AuditEvent.Action.ARTICLE_EDITED


@transaction.atomic
def article_update(*, article: Article, user: Actor) -> Article:
    """Save an editor's changes to ``article`` (a new article when it has no pk).

    A changed body is hashed again (and refused when another article has that
    text), a changed kind is the editor's from then on (a re-import never classifies
    it again), and a new or corrected text gets a new 핵심 요약 and index once the
    change has committed, as after an import.
    """
    created = article.pk is None
    stored = Article() if created else Article.objects.get(pk=article.pk)
    changed = [
        field.attname
        for field in Article._meta.concrete_fields
        if field.editable
        and not field.primary_key
        and getattr(article, field.attname) != getattr(stored, field.attname)
    ]
    if created or "body" in changed:
        article.content_hash = content_hash(article.body)
        _check_body_free(article)
    if "kind" in changed:
        article.kind_confirmed = True
    article.save()
    audit_record(
        briefing=None,
        action=ARTICLE_EDITED,
        actor=user,
        data={"article": article.pk, "created": created, "fields": changed},
    )
    if created or {"body", "headline"} & set(changed):
        transaction.on_commit(functools.partial(after_import, [article.pk]))
    return article


def _check_body_free(article: Article) -> None:
    """Refuse a body that another stored article already has."""
    taken = (
        Article.objects.filter(content_hash=article.content_hash)
        .exclude(pk=article.pk)
        .first()
    )
    if taken is not None:
        raise ValidationError(
            "같은 본문의 기사가 이미 있습니다: %(headline)s (#%(pk)s)",
            params={"headline": taken.headline, "pk": taken.pk},
            code="duplicate_body",
        )


def _import_batch(
    articles: list[ParsedArticle],
    report: ImportReport,
    *,
    offset: int,
    total: int,
    source: str,
    index: NearDuplicateIndex,
    on_progress: ProgressCallback | None,
) -> None:
    """Import ``articles`` inside the caller's transaction; hook the commit."""
    for done, parsed in enumerate(articles, start=offset + 1):
        _import_one(parsed, source=source, index=index, report=report)
        if on_progress is not None:
            on_progress(done, total)
    report.article_ids = list(dict.fromkeys(report.article_ids))
    if report.article_ids:
        transaction.on_commit(functools.partial(after_import, list(report.article_ids)))


def _merge(report: ImportReport, batch: ImportReport) -> None:
    for name in ("created", "updated", "duplicates", "near_duplicates"):
        setattr(report, name, getattr(report, name) + getattr(batch, name))
    report.article_ids = list(dict.fromkeys([*report.article_ids, *batch.article_ids]))


def _import_one(
    parsed: ParsedArticle,
    *,
    source: str,
    index: NearDuplicateIndex,
    report: ImportReport,
) -> None:
    """Create, update or skip one parsed article, counting it in ``report``."""
    values = _field_values(parsed, source)
    existing = _same_article(values)
    if existing is not None:
        if _update(existing, values, only_blank=False):
            report.updated += 1
            report.article_ids.append(existing.pk)
        else:
            report.duplicates += 1
        return
    same_content = Article.objects.filter(content_hash=values["content_hash"]).first()
    if same_content is not None:
        if _update(same_content, values, only_blank=True):
            report.updated += 1
            report.article_ids.append(same_content.pk)
        else:
            report.duplicates += 1
        return
    match = index.find(values["body"])
    original = _original(match[0]) if match else None
    if original is not None and _earlier_or_fuller(values, original):
        # An earlier (or as early, fuller) copy arrived after the stored original:
        # it becomes the original, so the story keeps its first publication time.
        article = Article.objects.create(**values)
        Article.objects.filter(
            Q(pk=original.pk) | Q(duplicate_of_id=original.pk)
        ).update(duplicate_of=article)
        original = None
    else:
        article = Article.objects.create(**values, duplicate_of=original)
    report.created += 1
    report.article_ids.append(article.pk)
    if original is not None:
        report.near_duplicates += 1
        logger.debug("article %s near-duplicates %s (%.2f)", article.pk, *match)
    else:
        index.add(article.pk, article.body)


def _original(pk: int) -> Article | None:
    """The original of the stored article ``pk`` (itself, or what it duplicates)."""
    found = Article.objects.filter(pk=pk).only("pk", "published_at", "body").first()
    if found is not None and found.duplicate_of_id:
        return _original(found.duplicate_of_id)
    return found


def _earlier_or_fuller(values: dict, original: Article) -> bool:
    """Whether a new copy should replace ``original`` as the story's original."""
    if values["published_at_estimated"] or original.published_at is None:
        return False
    new, old = values["published_at"], original.published_at
    if new is None or new > old:
        return False
    return new < old or len(values["body"]) > len(original.body)


def _dated_oldest_first(
    articles: Iterable[ParsedArticle], undated_at: dt.datetime
) -> list[ParsedArticle]:
    """The articles with a date each (estimated where missing), oldest first."""
    dated = []
    for parsed in articles:
        if parsed.published_at is None:
            parsed = dataclasses.replace(
                parsed, published_at=undated_at, published_at_estimated=True
            )
        dated.append(parsed)
    # Without a date of their own, copies keep the order they came in.
    return sorted(
        dated,
        key=lambda a: (a.published_at, 0 if a.published_at_estimated else -len(a.body)),
    )


def _field_values(parsed: ParsedArticle, source: str) -> dict:
    return {
        "kind": parsed.kind,
        "published_at_estimated": parsed.published_at_estimated,
        "source": parsed.source or source,
        "external_id": parsed.external_id,
        "url": parsed.url,
        "headline": parsed.headline,
        "section": parsed.section,
        "subsection": parsed.subsection,
        "byline": parsed.byline,
        "published_at": parsed.published_at,
        "body_raw": parsed.body_raw,
        "body": parsed.body,
        "language": parsed.language,
        "content_hash": content_hash(parsed.body),
    }


def _same_article(values: dict) -> Article | None:
    """The stored article with the same URL, or the same source and external id."""
    if values["url"]:
        found = Article.objects.filter(url=values["url"]).first()
        if found is not None:
            return found
    if values["external_id"]:
        return Article.objects.filter(
            source=values["source"], external_id=values["external_id"]
        ).first()
    return None


def _update(article: Article, values: dict, *, only_blank: bool) -> bool:
    """Copy changed (with ``only_blank``: missing) fields; whether any were."""
    names = _FILLABLE if only_blank else _UPDATABLE
    if not only_blank and not article.kind_confirmed:
        names = (*names, "kind")
    if values["published_at_estimated"] and article.published_at is not None:
        # An estimate (an undated record's import time) never replaces a date.
        names = tuple(n for n in names if not n.startswith("published_at"))
    changed = [
        name
        for name in names
        if values[name] not in ("", None)
        and getattr(article, name) != values[name]
        and not (only_blank and getattr(article, name) not in ("", None))
    ]
    if "body" in changed:
        taken = Article.objects.filter(content_hash=values["content_hash"])
        if taken.exclude(pk=article.pk).exists():
            # The new text is already stored as another article: keep this one as is.
            return False
        changed.append("content_hash")
    if "url" in changed and Article.objects.filter(url=values["url"]).exists():
        changed.remove("url")
    if not changed:
        return False
    for name in changed:
        setattr(article, name, values[name])
    article.save(update_fields=[*changed, "updated_at"])
    return True


def _without_implausible_dates(result: ParseResult) -> ParseResult:
    """``result`` with articles dated outside the accepted range rejected by name.

    Parsers already refuse them; this guards callers that build ParsedArticles
    themselves, since such a date overflows the near-duplicate window below.
    """
    kept, rejected = [], list(result.rejected)
    for parsed in result.articles:
        problem = parsed.published_at and published_at_problem(parsed.published_at)
        if problem:
            rejected.append(RejectedRecord(location=parsed.location, reason=problem))
        else:
            kept.append(parsed)
    if len(kept) == len(result.articles):
        return result
    return ParseResult(format=result.format, articles=kept, rejected=rejected)


def _near_duplicate_index(
    articles: Iterable[ParsedArticle], threshold: float
) -> NearDuplicateIndex:
    """An index of the stored originals published around the batch's dates."""
    index = NearDuplicateIndex(threshold=threshold)
    # Undated articles (search-result pages, lead lists) are compared with the recent
    # and the undated ones; dated ones with those around their own dates.
    recent = timezone.now() - NEAR_DUPLICATE_WINDOW
    window = Q(published_at__isnull=True) | Q(published_at__gte=recent)
    dates = [a.published_at for a in articles if a.published_at is not None]
    if dates:
        window |= Q(
            published_at__gte=min(dates) - NEAR_DUPLICATE_WINDOW,
            published_at__lte=max(dates) + NEAR_DUPLICATE_WINDOW,
        )
    candidates = Article.objects.originals().filter(window)
    for pk, body in candidates.values_list("pk", "body").iterator(chunk_size=500):
        index.add(pk, body)
    return index
