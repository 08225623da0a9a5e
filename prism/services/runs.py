"""Generation runs: one ``GenerationRun`` per request, with its attempts and recovery.

Runs count their own attempts per reader type because django-q2 re-delivers a task
whose worker died without counting it; ``generation_runs_recover`` retries or fails
the work whose task was lost altogether.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from prism.conf import prism_settings
from prism.models import GenerationRun, ReaderType
from prism.nlp.quality import count_by_severity
from prism.services.audit import Actor

if TYPE_CHECKING:
    from prism.services.generation import GenerationOutcome

logger = logging.getLogger(__name__)

Status = GenerationRun.Status
TERMINAL = {Status.SUCCEEDED, Status.FAILED, Status.SKIPPED}
GENERATE_TASK = "prism.tasks.generate_briefing_for_reader_type"


@dataclass
class ProgressEntry:
    """One reader type's line of ``GenerationRun.progress``, stored as a JSON object.

    Times are ISO strings as stored. ``outcome`` ("created", "replaced" or
    "skipped") and ``quality`` (the draft's findings counted by severity) are
    written once the reader type finished, and left out of the JSON until then.
    """

    reader_type_id: int | None = None
    name: str = ""
    status: str = Status.QUEUED.value
    attempts: int = 0
    reason: str = ""
    error: str = ""
    briefing_id: int | None = None
    queued_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    seconds: float | None = None
    outcome: str | None = None
    quality: dict[str, int] | None = None
    # Keys this version does not know (a newer or older writer's), kept as they are.
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def queued(cls, reader_type: ReaderType) -> ProgressEntry:
        """A new entry for ``reader_type``, queued now."""
        return cls(
            reader_type_id=reader_type.pk,
            name=reader_type.name,
            queued_at=timezone.now().isoformat(),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProgressEntry:
        known = {f.name for f in fields(cls)} - {"extra"}
        values = {key: value for key, value in data.items() if key in known}
        extra = {key: value for key, value in data.items() if key not in known}
        return cls(**values, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        for optional in ("outcome", "quality"):
            if data[optional] is None:
                del data[optional]
        return data | extra


def progress_entries(run: GenerationRun) -> Iterator[tuple[str, ProgressEntry]]:
    """The run's entries by reader type slug, typed."""
    for slug, data in (run.progress or {}).items():
        yield slug, ProgressEntry.from_dict(data)


# ----------------------------------------------------------------------- runs


@transaction.atomic
def generation_run_create(
    *,
    edition_date: dt.date,
    reader_types: Iterable[ReaderType] | None = None,
    requested_by: Actor = None,
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
        progress={rt.slug: ProgressEntry.queued(rt).to_dict() for rt in reader_types},
    )
    run.reader_types.set(reader_types)
    if not reader_types:
        run.status = Status.SKIPPED
        run.error = "생성할 독자 유형이 없습니다."
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
    return run


def generation_enqueue(
    *,
    edition_date: dt.date,
    reader_types: Iterable[ReaderType] | None = None,
    requested_by: Actor = None,
) -> GenerationRun:
    """Create a run and enqueue one background task per reader type (after commit)."""
    with transaction.atomic():
        run = generation_run_create(
            edition_date=edition_date,
            reader_types=reader_types,
            requested_by=requested_by,
        )
        for _slug, entry in progress_entries(run):
            _enqueue_on_commit(run.pk, entry.reader_type_id)
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
        run, slug, entry = _locked_entry(run_id, reader_type_id)
        if entry is None or entry.status in TERMINAL:
            return False
        entry.attempts += 1
        run.attempts = max(run.attempts, entry.attempts)
        limit = int(prism_settings.GENERATION_MAX_ATTEMPTS)
        now = timezone.now()
        if entry.attempts > limit:
            entry.status = Status.FAILED.value
            entry.finished_at = now.isoformat()
            entry.error = entry.error or (
                f"{limit}번 시도했지만 작업이 끝나지 않았습니다 "
                "(작업자 프로세스가 중단됨)."
            )
            _save_entry(run, slug, entry)
            logger.error("generation run %s: %s gave up", run_id, reader_type_id)
            return False
        entry.status = Status.RUNNING.value
        entry.started_at = now.isoformat()
        run.started_at = run.started_at or now
        _save_entry(run, slug, entry)
        return True


def generation_attempt_finish(
    *, run_id: int, reader_type_id: int, outcome: GenerationOutcome, seconds: float
) -> None:
    """Record a finished reader type (succeeded or skipped with its reason)."""
    with transaction.atomic():
        run, slug, entry = _locked_entry(run_id, reader_type_id)
        if entry is None:
            return
        briefing = outcome.briefing
        entry.status = (Status.SKIPPED if outcome.skipped else Status.SUCCEEDED).value
        entry.reason = outcome.reason
        entry.outcome = outcome.status
        entry.briefing_id = briefing.pk if briefing else None
        entry.quality = count_by_severity(briefing.quality_findings if briefing else [])
        entry.finished_at = timezone.now().isoformat()
        entry.seconds = round(seconds, 2)
        entry.error = ""
        _save_entry(run, slug, entry)


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
        run, slug, entry = _locked_entry(run_id, reader_type_id)
        if entry is None:
            return False
        retry = entry.attempts < int(prism_settings.GENERATION_MAX_ATTEMPTS)
        now = timezone.now().isoformat()
        entry.status = (Status.QUEUED if retry else Status.FAILED).value
        entry.error = error[-4000:]
        entry.queued_at = now if retry else entry.queued_at
        entry.finished_at = None if retry else now
        entry.seconds = round(seconds, 2)
        _save_entry(run, slug, entry)
        if retry and requeue:
            _enqueue_on_commit(run_id, reader_type_id)
        return retry


def _locked_entry(
    run_id: int, reader_type_id: int
) -> tuple[GenerationRun, str, ProgressEntry | None]:
    """The run (row-locked), and the slug and entry of the reader type in it."""
    run = GenerationRun.objects.select_for_update().get(pk=run_id)
    for slug, entry in progress_entries(run):
        if entry.reader_type_id == reader_type_id:
            return run, slug, entry
    reader_type = ReaderType.objects.filter(pk=reader_type_id).first()
    if reader_type is None:
        return run, "", None
    return run, reader_type.slug, ProgressEntry.queued(reader_type)


def _save_entry(run: GenerationRun, slug: str, entry: ProgressEntry) -> None:
    run.progress[slug] = entry.to_dict()
    _save_run(run)


def _save_run(run: GenerationRun) -> None:
    """Derive the run's status, error and end time from its entries, then save."""
    entries = [entry for _slug, entry in progress_entries(run)]
    statuses = [entry.status for entry in entries]
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
        f"[{entry.name}] {entry.error}" for entry in entries if entry.error
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


def generation_entry_status(run_id: int, reader_type_id: int) -> str:
    """The status of the reader type's entry in the run ("" if it has none)."""
    run = GenerationRun.objects.get(pk=run_id)
    for _slug, entry in progress_entries(run):
        if entry.reader_type_id == reader_type_id:
            return entry.status
    return ""


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
            actions = []
            for slug, entry in progress_entries(run):
                action = _recover_entry(run, entry, now=now, stale_before=stale_before)
                if action:
                    run.progress[slug] = entry.to_dict()
                    actions.append(action)
            if actions:
                _save_run(run)
                recovered[run.pk] = actions
    for run_id, actions in recovered.items():
        logger.warning("generation run %s recovered: %s", run_id, "; ".join(actions))
    return recovered


def _recover_entry(
    run: GenerationRun,
    entry: ProgressEntry,
    *,
    now: dt.datetime,
    stale_before: dt.datetime,
) -> str:
    """Requeue or fail one stale entry of a locked run; what was done, or ""."""
    if entry.status == Status.RUNNING:
        since = entry.started_at
    elif entry.status == Status.QUEUED:
        since = entry.queued_at
    else:
        return ""
    since = dt.datetime.fromisoformat(since) if since else run.created_at
    if since >= stale_before:
        return ""
    minutes = max(1, round((now - since).total_seconds() / 60))
    was = "실행 중" if entry.status == Status.RUNNING else "대기 중"
    limit = int(prism_settings.GENERATION_MAX_ATTEMPTS)
    too_old = run.created_at < now - RECOVERY_MAX_AGE
    if entry.attempts >= limit or too_old:
        reason = (
            f"작업이 {minutes}분 넘게 {was} 상태로 남아 실패로 처리했습니다 "
            "(작업 시간 초과 또는 작업자·브로커 중단"
            + (", 생성 요청이 하루 넘게 지나 다시 시도하지 않음)." if too_old else ").")
        )
        entry.status = Status.FAILED.value
        entry.error = "\n".join(p for p in (entry.error, reason) if p)
        entry.finished_at = now.isoformat()
        return f"{entry.name}: failed"
    entry.status = Status.QUEUED.value
    entry.queued_at = now.isoformat()
    entry.error = (
        f"작업이 {minutes}분 넘게 {was} 상태로 남아 다시 시도합니다 "
        "(작업 시간 초과 또는 작업자·브로커 중단)."
    )
    _enqueue_on_commit(run.pk, entry.reader_type_id)
    return f"{entry.name}: requeued"


def generation_run_summary(run: GenerationRun) -> list[str]:
    """One line per reader type: status, briefing and reason (for commands)."""
    labels = dict(Status.choices)
    lines = []
    for _slug, entry in progress_entries(run):
        detail = entry.reason or next(iter(entry.error.splitlines()), "")
        briefing = f"브리핑 #{entry.briefing_id}" if entry.briefing_id else ""
        quality = entry.quality or {}
        checks = (
            f"품질 점검 {quality.get('hard', 0) + quality.get('soft', 0)}건"
            f"(중요 {quality.get('hard', 0)}건)"
            if quality and entry.status == Status.SUCCEEDED
            else ""
        )
        parts = [f"{entry.name}: {labels.get(entry.status, entry.status)}"]
        parts += [p for p in (briefing, checks, detail) if p]
        lines.append(" · ".join(parts))
    return lines
