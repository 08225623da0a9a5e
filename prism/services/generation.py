"""Generating draft briefings: select, compose and write one reader type's draft.

``briefing_generate`` never touches a briefing a person has edited, submitted,
approved or published: only an untouched draft (status draft, ``human_edited``
False) is replaced, and a skipped reason is recorded otherwise. The bookkeeping of
runs and attempts, and their recovery, is :mod:`prism.services.runs`; its names are
re-exported here for callers of the generation entry points.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django_q.exceptions import TimeoutException

from prism.conf import prism_settings
from prism.models import (
    AuditEvent,
    Briefing,
    BriefingItem,
    BriefingRevision,
    BriefingSection,
    GenerationRun,
    ReaderType,
)
from prism.services.audit import audit_record
from prism.services.composers import compose_generative
from prism.services.composition import Composition, briefing_compose, item_summary
from prism.services.quality import composition_quality_report
from prism.services.revisions import revision_create
from prism.services.runs import (
    GENERATE_TASK,
    RECOVERY_MAX_AGE,
    STALE_GRACE,
    TERMINAL,
    ProgressEntry,
    generation_attempt_begin,
    generation_attempt_fail,
    generation_attempt_finish,
    generation_enqueue,
    generation_entry_status,
    generation_run_create,
    generation_run_summary,
    generation_runs_recover,
    generation_stale_after,
    progress_entries,
)
from prism.services.selection import Selection, edition_selection
from prism.services.workflow import briefing_is_untouched

__all__ = [
    "GENERATE_TASK",
    "RECOVERY_MAX_AGE",
    "STALE_GRACE",
    "TERMINAL",
    "GenerationOutcome",
    "ProgressEntry",
    "briefing_generate",
    "briefing_write",
    "composition_values",
    "generation_attempt_begin",
    "generation_attempt_fail",
    "generation_attempt_finish",
    "generation_entry_status",
    "generation_enqueue",
    "generation_provenance",
    "generation_reader_type_run",
    "generation_run_create",
    "generation_run_execute",
    "generation_run_summary",
    "generation_runs_recover",
    "generation_stale_after",
    "live_briefing",
    "progress_entries",
]

logger = logging.getLogger(__name__)

Status = GenerationRun.Status


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
        action=AuditEvent.Action.GENERATION_SKIPPED,
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
        **composition_values(composition),
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
        action=AuditEvent.Action.GENERATED,
        revision=revision,
        comment="AI 초안을 다시 만들었습니다." if status == "replaced" else "",
        data={"run_id": run.pk if run else None, "replaced": status == "replaced"},
    )
    return GenerationOutcome(status, briefing)


def composition_values(composition: Composition) -> dict[str, Any]:
    """The composed values of ``Briefing.EDITABLE_FIELDS`` (the headline cut to fit)."""
    values = {name: getattr(composition, name) for name in Briefing.EDITABLE_FIELDS}
    values["headline"] = values["headline"][:300]
    values["keywords"] = list(values["keywords"])
    return values


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


def generation_reader_type_run(
    *,
    run_id: int,
    reader_type_id: int,
    now: dt.datetime | None = None,
    requeue: bool = True,
) -> str:
    """One reader type's work in a run, with attempt accounting; returns its status."""
    if not generation_attempt_begin(run_id=run_id, reader_type_id=reader_type_id):
        return generation_entry_status(run_id, reader_type_id)
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
        return generation_entry_status(run_id, reader_type_id)
    generation_attempt_finish(
        run_id=run_id,
        reader_type_id=reader_type_id,
        outcome=outcome,
        seconds=time.monotonic() - started,
    )
    return generation_entry_status(run_id, reader_type_id)


def generation_run_execute(
    run: GenerationRun,
    *,
    now: dt.datetime | None = None,
    on_progress: Callable[[str, str], None] | None = None,
) -> GenerationRun:
    """Run every reader type of ``run`` here and now, one after the other."""
    for slug, entry in list(progress_entries(run)):
        status = Status.QUEUED.value
        # Errors are retried right here, within the same attempt limit.
        while status == Status.QUEUED:
            status = generation_reader_type_run(
                run_id=run.pk,
                reader_type_id=entry.reader_type_id,
                now=now,
                requeue=False,
            )
        if on_progress is not None:
            on_progress(slug, status)
    run.refresh_from_db()
    return run
