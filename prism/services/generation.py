"""Generating draft briefings and tracking the work in ``GenerationRun`` rows.

``briefing_generate`` selects, composes and writes one reader type's draft. It
never touches a briefing a person has edited, submitted, approved or published:
only an untouched draft (status draft, ``human_edited`` False) is replaced, and a
skipped reason is recorded otherwise. Runs count their own attempts per reader type
because django-q2 re-delivers a task whose worker died without counting it.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.exceptions import TimeoutException

from prism.conf import prism_settings
from prism.models import (
    Briefing,
    BriefingItem,
    BriefingRevision,
    BriefingSection,
    GenerationRun,
    ReaderType,
)
from prism.nlp.quality import count_by_severity
from prism.services.audit import audit_record
from prism.services.composers import compose_generative
from prism.services.composition import Composition, briefing_compose, item_summary
from prism.services.quality import composition_quality_report
from prism.services.revisions import revision_create
from prism.services.selection import Selection, edition_selection
from prism.services.workflow import briefing_is_untouched

logger = logging.getLogger(__name__)

Status = GenerationRun.Status
TERMINAL = {Status.SUCCEEDED, Status.FAILED, Status.SKIPPED}
GENERATE_TASK = "prism.tasks.generate_briefing_for_reader_type"


@dataclass
class GenerationOutcome:
    """What generating one reader type's edition did."""

    status: str  # "created", "replaced" or "skipped"
    briefing: Briefing | None = None
    reason: str = ""

    @property
    def skipped(self) -> bool:
        return self.status == "skipped"


# ----------------------------------------------------------------- one briefing


def briefing_generate(
    *,
    reader_type: ReaderType,
    edition_date: dt.date,
    run: GenerationRun | None = None,
    now: dt.datetime | None = None,
) -> GenerationOutcome:
    """Select, compose and write ``reader_type``'s draft for ``edition_date``."""
    existing = live_briefing(reader_type, edition_date)
    if existing is not None and not briefing_is_untouched(existing):
        return _skip_touched(existing, run)
    selection = edition_selection(
        reader_type=reader_type, edition_date=edition_date, now=now
    )
    if selection.skipped_reason:
        return GenerationOutcome("skipped", existing, selection.skipped_reason)
    # Summaries are written (if missing) before the briefing transaction starts.
    summaries = {
        item.article.pk: item_summary(item.article) for item in selection.items
    }
    composition = briefing_compose(selection=selection, summaries=summaries)
    # PRISM["COMPOSER_BACKEND"]: model-written parts where grounded (no-op if
    # "extractive"); never raises for a failing model, the extractive draft stays.
    composition = compose_generative(
        selection=selection, composition=composition, run=run
    )
    return briefing_write(
        reader_type=reader_type,
        edition_date=edition_date,
        composition=composition,
        selection=selection,
        run=run,
    )


def live_briefing(reader_type: ReaderType, edition_date: dt.date) -> Briefing | None:
    """The one live (not spiked) briefing of the edition, if any."""
    return (
        Briefing.objects.live()
        .for_reader_type(reader_type)
        .for_edition(edition_date)
        .first()
    )


def _skip_touched(briefing: Briefing, run: GenerationRun | None) -> GenerationOutcome:
    if briefing.status != Briefing.Status.DRAFT:
        reason = (
            f"‘{briefing.get_status_display()}’ 상태의 브리핑이 있어 다시 만들지 "
            "않았습니다."
        )
    else:
        reason = "사람이 수정한 초안이 있어 다시 만들지 않았습니다."
    audit_record(
        briefing=briefing,
        action="generation_skipped",
        comment=reason,
        data={"run_id": run.pk if run else None},
    )
    return GenerationOutcome("skipped", briefing, reason)


@transaction.atomic
def briefing_write(
    *,
    reader_type: ReaderType,
    edition_date: dt.date,
    composition: Composition,
    selection: Selection | None = None,
    run: GenerationRun | None = None,
) -> GenerationOutcome:
    """Write a composed draft: a new briefing, or in place of an untouched draft."""
    existing = (
        Briefing.objects.select_for_update()
        .live()
        .filter(reader_type=reader_type, edition_date=edition_date)
        .first()
    )
    if existing is not None and not briefing_is_untouched(existing):
        # An editor got to it while we were composing.
        return _skip_touched(existing, run)
    values = {
        "headline": composition.headline[:300],
        "header_line": composition.header_line,
        "editors_note": composition.editors_note,
        "lead": composition.lead,
        "keywords": composition.keywords,
        "footer": composition.footer,
        "generation_notes": "\n".join(composition.notes),
        "generation_run": run,
        "quality_findings": composition_quality_report(composition, reader_type),
    }
    if existing is None:
        try:
            with transaction.atomic():
                briefing = Briefing.objects.create(
                    reader_type=reader_type, edition_date=edition_date, **values
                )
        except IntegrityError:
            return GenerationOutcome(
                "skipped",
                live_briefing(reader_type, edition_date),
                "다른 생성 작업이 같은 브리핑을 먼저 만들었습니다.",
            )
        status = "created"
    else:
        briefing = existing
        for name, value in values.items():
            setattr(briefing, name, value)
        # A new version, so an editor's form opened on the old draft is refused.
        briefing.version += 1
        briefing.save()
        briefing.sections.all().delete()
        briefing.items.all().delete()
        status = "replaced"
    _write_parts(briefing, composition)
    provenance = generation_provenance(composition, selection, run)
    revision = revision_create(
        briefing=briefing,
        kind=BriefingRevision.Kind.GENERATED,
        author=None,
        provenance=provenance,
    )
    audit_record(
        briefing=briefing,
        action="generated",
        revision=revision,
        comment="AI 초안을 다시 만들었습니다." if status == "replaced" else "",
        data={"run_id": run.pk if run else None, "replaced": status == "replaced"},
    )
    return GenerationOutcome(status, briefing)


def _write_parts(briefing: Briefing, composition: Composition) -> None:
    BriefingSection.objects.bulk_create(
        BriefingSection(
            briefing=briefing,
            position=section.position,
            heading=section.heading[:200],
            body=section.body,
        )
        for section in composition.sections
    )
    for item in composition.items:
        row = BriefingItem.objects.create(
            briefing=briefing,
            rank=item.rank,
            group=item.group,
            article=item.article,
            headline=item.headline[:500],
            summary=item.summary,
            summary_sentences=item.summary_sentences,
            selection_reason=item.selection_reason,
        )
        if item.related_articles:
            row.related_articles.set(item.related_articles)


def generation_provenance(
    composition: Composition,
    selection: Selection | None,
    run: GenerationRun | None,
) -> dict[str, Any]:
    """Where a generated draft came from: summarizer, selection window, run."""
    summarizers = composition.summarizers
    provenance: dict[str, Any] = {
        "generator": "prism.services.generation",
        "run_id": run.pk if run else None,
        "summarizer": summarizers[0] if summarizers else {},
        "summarizers": summarizers,
        "tokenizer": str(prism_settings.TOKENIZER),
        "selection_weights": dict(prism_settings.SELECTION_WEIGHTS),
        # Per part: backend, model, prompt version, grounding score, citations.
        "composer": getattr(composition, "composer", None) or {"backend": "extractive"},
    }
    if selection is not None:
        provenance["window"] = {
            "start": selection.window.start.isoformat(),
            "end": selection.window.end.isoformat(),
        }
        provenance["pool_size"] = selection.pool_size
    return provenance


# ----------------------------------------------------------------------- runs


@transaction.atomic
def generation_run_create(
    *,
    edition_date: dt.date,
    reader_types: Iterable[ReaderType] | None = None,
    requested_by=None,
) -> GenerationRun:
    """A queued run for ``reader_types`` (default: every active reader type)."""
    if reader_types is None:
        reader_types = ReaderType.objects.filter(is_active=True)
    reader_types = list(reader_types)
    if requested_by is not None and not getattr(
        requested_by, "is_authenticated", False
    ):
        requested_by = None
    run = GenerationRun.objects.create(
        edition_date=edition_date,
        status=Status.QUEUED,
        requested_by=requested_by,
        progress={rt.slug: _entry(rt) for rt in reader_types},
    )
    run.reader_types.set(reader_types)
    if not reader_types:
        run.status = Status.SKIPPED
        run.error = "생성할 독자 유형이 없습니다."
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
    return run


def _entry(reader_type: ReaderType) -> dict[str, Any]:
    return {
        "reader_type_id": reader_type.pk,
        "name": reader_type.name,
        "status": Status.QUEUED.value,
        "attempts": 0,
        "reason": "",
        "error": "",
        "briefing_id": None,
        "queued_at": timezone.now().isoformat(),
        "started_at": None,
        "finished_at": None,
        "seconds": None,
    }


def generation_enqueue(
    *,
    edition_date: dt.date,
    reader_types: Iterable[ReaderType] | None = None,
    requested_by=None,
) -> GenerationRun:
    """Create a run and enqueue one background task per reader type (after commit)."""
    with transaction.atomic():
        run = generation_run_create(
            edition_date=edition_date,
            reader_types=reader_types,
            requested_by=requested_by,
        )
        for entry in run.progress.values():
            _enqueue_on_commit(run.pk, entry["reader_type_id"])
    return run


def _enqueue_on_commit(run_id: int, reader_type_id: int) -> None:
    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task(
            GENERATE_TASK,
            run_id,
            reader_type_id,
            task_name=f"prism-generate-{run_id}-{reader_type_id}",
            group=f"prism-generation-{run_id}",
        )

    transaction.on_commit(enqueue)


def generation_attempt_begin(*, run_id: int, reader_type_id: int) -> bool:
    """Count an attempt; False when the work is done or has used up its attempts.

    Called first thing in every delivery of a task, committed at once: a worker
    killed mid-way (out of memory, say) leaves the count behind, so the next
    delivery knows and gives up after ``GENERATION_MAX_ATTEMPTS``.
    """
    with transaction.atomic():
        run, entry = _locked_entry(run_id, reader_type_id)
        if entry is None or entry["status"] in TERMINAL:
            return False
        entry["attempts"] += 1
        run.attempts = max(run.attempts, entry["attempts"])
        limit = int(prism_settings.GENERATION_MAX_ATTEMPTS)
        now = timezone.now()
        if entry["attempts"] > limit:
            entry.update(
                status=Status.FAILED.value,
                finished_at=now.isoformat(),
                error=entry["error"]
                or (
                    f"{limit}번 시도했지만 작업이 끝나지 않았습니다 "
                    "(작업자 프로세스가 중단됨)."
                ),
            )
            _save_run(run)
            logger.error("generation run %s: %s gave up", run_id, reader_type_id)
            return False
        entry.update(status=Status.RUNNING.value, started_at=now.isoformat())
        run.started_at = run.started_at or now
        _save_run(run)
        return True


def generation_attempt_finish(
    *, run_id: int, reader_type_id: int, outcome: GenerationOutcome, seconds: float
) -> None:
    """Record a finished reader type (succeeded or skipped with its reason)."""
    with transaction.atomic():
        run, entry = _locked_entry(run_id, reader_type_id)
        if entry is None:
            return
        entry.update(
            status=(Status.SKIPPED if outcome.skipped else Status.SUCCEEDED).value,
            reason=outcome.reason,
            outcome=outcome.status,
            briefing_id=outcome.briefing.pk if outcome.briefing else None,
            quality=count_by_severity(
                outcome.briefing.quality_findings if outcome.briefing else []
            ),
            finished_at=timezone.now().isoformat(),
            seconds=round(seconds, 2),
            error="",
        )
        _save_run(run)


def generation_attempt_fail(
    *,
    run_id: int,
    reader_type_id: int,
    error: str,
    seconds: float,
    requeue: bool = True,
) -> bool:
    """Record an error; True while attempts remain (re-enqueued if ``requeue``)."""
    with transaction.atomic():
        run, entry = _locked_entry(run_id, reader_type_id)
        if entry is None:
            return False
        retry = entry["attempts"] < int(prism_settings.GENERATION_MAX_ATTEMPTS)
        now = timezone.now().isoformat()
        entry.update(
            status=(Status.QUEUED if retry else Status.FAILED).value,
            error=error[-4000:],
            queued_at=now if retry else entry.get("queued_at"),
            finished_at=None if retry else now,
            seconds=round(seconds, 2),
        )
        _save_run(run)
        if retry and requeue:
            _enqueue_on_commit(run_id, reader_type_id)
        return retry


def _locked_entry(run_id: int, reader_type_id: int):
    """The run (row-locked) and its progress entry for the reader type."""
    run = GenerationRun.objects.select_for_update().get(pk=run_id)
    for entry in run.progress.values():
        if entry.get("reader_type_id") == reader_type_id:
            return run, entry
    reader_type = ReaderType.objects.filter(pk=reader_type_id).first()
    if reader_type is None:
        return run, None
    run.progress[reader_type.slug] = _entry(reader_type)
    return run, run.progress[reader_type.slug]


def _save_run(run: GenerationRun) -> None:
    """Derive the run's status, error and end time from its entries, then save."""
    statuses = [entry["status"] for entry in run.progress.values()]
    if any(s in (Status.QUEUED, Status.RUNNING) for s in statuses):
        started = any(s != Status.QUEUED for s in statuses) or run.started_at
        run.status = Status.RUNNING if started else Status.QUEUED
        run.finished_at = None
    elif Status.FAILED in statuses:
        run.status = Status.FAILED
    elif Status.SUCCEEDED in statuses:
        run.status = Status.SUCCEEDED
    else:
        run.status = Status.SKIPPED
    if run.status in TERMINAL:
        run.finished_at = run.finished_at or timezone.now()
    run.error = "\n\n".join(
        f"[{entry['name']}] {entry['error']}"
        for entry in run.progress.values()
        if entry.get("error")
    )
    run.save(
        update_fields=[
            "status",
            "progress",
            "attempts",
            "error",
            "started_at",
            "finished_at",
        ]
    )


def generation_reader_type_run(
    *,
    run_id: int,
    reader_type_id: int,
    now: dt.datetime | None = None,
    requeue: bool = True,
) -> str:
    """One reader type's work in a run, with attempt accounting; returns its status."""
    if not generation_attempt_begin(run_id=run_id, reader_type_id=reader_type_id):
        return _entry_status(run_id, reader_type_id)
    started = time.monotonic()
    try:
        run = GenerationRun.objects.get(pk=run_id)
        reader_type = ReaderType.objects.get(pk=reader_type_id)
        outcome = briefing_generate(
            reader_type=reader_type, edition_date=run.edition_date, run=run, now=now
        )
    except (Exception, TimeoutException) as exc:
        # TimeoutException is django-q's task time limit (a SystemExit): it is
        # recorded like an error, then left to end the task. Had the signal come too
        # late, the cluster kills the worker and generation_runs_recover() steps in.
        timed_out = isinstance(exc, TimeoutException)
        logger.error(
            "generation run %s failed for %s", run_id, reader_type_id, exc_info=True
        )
        generation_attempt_fail(
            run_id=run_id,
            reader_type_id=reader_type_id,
            error=(
                f"작업 시간 제한을 넘었습니다: {exc}"
                if timed_out
                else f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"
            ),
            seconds=time.monotonic() - started,
            requeue=requeue,
        )
        if timed_out:
            raise
        return _entry_status(run_id, reader_type_id)
    generation_attempt_finish(
        run_id=run_id,
        reader_type_id=reader_type_id,
        outcome=outcome,
        seconds=time.monotonic() - started,
    )
    return _entry_status(run_id, reader_type_id)


def _entry_status(run_id: int, reader_type_id: int) -> str:
    run = GenerationRun.objects.get(pk=run_id)
    for entry in run.progress.values():
        if entry.get("reader_type_id") == reader_type_id:
            return entry["status"]
    return ""


def generation_run_execute(
    run: GenerationRun,
    *,
    now: dt.datetime | None = None,
    on_progress: Callable[[str, str], None] | None = None,
) -> GenerationRun:
    """Run every reader type of ``run`` here and now, one after the other."""
    for slug, entry in list(run.progress.items()):
        status = Status.QUEUED.value
        # Errors are retried right here, within the same attempt limit.
        while status == Status.QUEUED:
            status = generation_reader_type_run(
                run_id=run.pk,
                reader_type_id=entry["reader_type_id"],
                now=now,
                requeue=False,
            )
        if on_progress is not None:
            on_progress(slug, status)
    run.refresh_from_db()
    return run


# ------------------------------------------------------------------- recovery

# Runs older than this are not retried by recovery: their edition has gone by.
RECOVERY_MAX_AGE = dt.timedelta(days=1)
STALE_GRACE = dt.timedelta(minutes=2)


def generation_stale_after() -> dt.timedelta:
    """How long a reader type may stay queued or running before its task is lost.

    ``PRISM["GENERATION_STALE_SECONDS"]``, or else django-q's ``retry`` plus
    ``timeout`` plus two minutes: by then any live attempt has finished, been killed
    by the cluster's timeout, or been delivered again (which restarts the clock).
    """
    configured = prism_settings.GENERATION_STALE_SECONDS
    if configured:
        return dt.timedelta(seconds=float(configured))
    from django_q.conf import Conf

    return dt.timedelta(seconds=(Conf.RETRY or 0) + (Conf.TIMEOUT or 0)) + STALE_GRACE


def generation_runs_recover(*, now: dt.datetime | None = None) -> dict[int, list[str]]:
    """Retry or fail the reader types whose background task was lost.

    A task can vanish without recording anything: the django-q timeout killed its
    worker, the worker was killed while the failure itself was being recorded, or
    a Redis broker lost it on restart. Such an entry stays queued or running and
    the run never ends. Entries untouched for ``generation_stale_after()`` are
    enqueued again while attempts remain (a duplicate delivery is harmless: the
    attempt count and the briefing's unique edition stop it), otherwise failed
    with the reason. Returns ``{run id: [what was done, per reader type]}``.
    """
    now = now or timezone.now()
    stale_before = now - generation_stale_after()
    open_runs = GenerationRun.objects.filter(
        status__in=[Status.QUEUED, Status.RUNNING], created_at__lt=stale_before
    )
    recovered = {}
    for run_id in open_runs.values_list("pk", flat=True):
        with transaction.atomic():
            run = GenerationRun.objects.select_for_update().get(pk=run_id)
            if run.status not in (Status.QUEUED, Status.RUNNING):
                continue
            actions = [
                _recover_entry(run, entry, now=now, stale_before=stale_before)
                for entry in run.progress.values()
            ]
            actions = [action for action in actions if action]
            if actions:
                _save_run(run)
                recovered[run.pk] = actions
    for run_id, actions in recovered.items():
        logger.warning("generation run %s recovered: %s", run_id, "; ".join(actions))
    return recovered


def _recover_entry(
    run: GenerationRun,
    entry: dict[str, Any],
    *,
    now: dt.datetime,
    stale_before: dt.datetime,
) -> str:
    """Requeue or fail one stale entry of a locked run; what was done, or ""."""
    if entry["status"] == Status.RUNNING:
        since = entry.get("started_at")
    elif entry["status"] == Status.QUEUED:
        since = entry.get("queued_at")
    else:
        return ""
    since = dt.datetime.fromisoformat(since) if since else run.created_at
    if since >= stale_before:
        return ""
    minutes = max(1, round((now - since).total_seconds() / 60))
    was = "실행 중" if entry["status"] == Status.RUNNING else "대기 중"
    limit = int(prism_settings.GENERATION_MAX_ATTEMPTS)
    too_old = run.created_at < now - RECOVERY_MAX_AGE
    if entry["attempts"] >= limit or too_old:
        reason = (
            f"작업이 {minutes}분 넘게 {was} 상태로 남아 실패로 처리했습니다 "
            "(작업 시간 초과 또는 작업자·브로커 중단"
            + (", 생성 요청이 하루 넘게 지나 다시 시도하지 않음)." if too_old else ").")
        )
        entry.update(
            status=Status.FAILED.value,
            error="\n".join(p for p in (entry.get("error"), reason) if p),
            finished_at=now.isoformat(),
        )
        return f"{entry['name']}: failed"
    entry.update(
        status=Status.QUEUED.value,
        queued_at=now.isoformat(),
        error=(
            f"작업이 {minutes}분 넘게 {was} 상태로 남아 다시 시도합니다 "
            "(작업 시간 초과 또는 작업자·브로커 중단)."
        ),
    )
    _enqueue_on_commit(run.pk, entry["reader_type_id"])
    return f"{entry['name']}: requeued"


def generation_run_summary(run: GenerationRun) -> list[str]:
    """One line per reader type: status, briefing and reason (for commands)."""
    labels = dict(Status.choices)
    lines = []
    for entry in run.progress.values():
        detail = entry.get("reason") or entry.get("error", "").splitlines()[:1]
        if isinstance(detail, list):
            detail = detail[0] if detail else ""
        briefing = f"브리핑 #{entry['briefing_id']}" if entry.get("briefing_id") else ""
        quality = entry.get("quality") or {}
        checks = (
            f"품질 점검 {quality.get('hard', 0) + quality.get('soft', 0)}건"
            f"(중요 {quality.get('hard', 0)}건)"
            if quality and entry.get("status") == Status.SUCCEEDED
            else ""
        )
        parts = [f"{entry['name']}: {labels.get(entry['status'], entry['status'])}"]
        parts += [p for p in (briefing, checks, detail) if p]
        lines.append(" · ".join(parts))
    return lines
