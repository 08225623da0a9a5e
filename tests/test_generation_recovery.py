"""Recovering generation work whose background task was lost.

Functions without a ``test_`` prefix run inside the cluster's worker processes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time

import pytest
from django.utils import timezone
from django_q.timeout import TimeoutHandler

from prism import tasks
from prism.models import Briefing, GenerationRun, ReaderType
from prism.services.generation import (
    GENERATE_TASK,
    generation_attempt_begin,
    generation_reader_type_run,
    generation_run_create,
    generation_runs_recover,
    generation_stale_after,
)
from tests.helpers.processes import DEADLINE, ROOT, ClusterSite, stop_cluster

pytestmark = pytest.mark.django_db
Status = GenerationRun.Status


def run_for(edition: dt.date, *slugs: str) -> GenerationRun:
    reader_types = ReaderType.objects.filter(slug__in=slugs or ["ceo"])
    return generation_run_create(edition_date=edition, reader_types=reader_types)


def later(minutes: float) -> dt.datetime:
    """A moment ``minutes`` after the stale limit would pass for work started now."""
    return timezone.now() + generation_stale_after() + dt.timedelta(minutes=minutes)


def begin(run: GenerationRun, slug: str = "ceo") -> None:
    reader_type = ReaderType.objects.get(slug=slug)
    assert generation_attempt_begin(run_id=run.pk, reader_type_id=reader_type.pk)


def backdate(run: GenerationRun, delta: dt.timedelta) -> None:
    """Move the run's creation and every entry's clock ``delta`` into the past."""
    run.refresh_from_db()
    run.created_at -= delta
    for entry in run.progress.values():
        for key in ("queued_at", "started_at"):
            if entry.get(key):
                entry[key] = (dt.datetime.fromisoformat(entry[key]) - delta).isoformat()
    GenerationRun.objects.filter(pk=run.pk).update(
        created_at=run.created_at, progress=run.progress
    )


def generation_tasks(queued: list[dict]) -> list[tuple]:
    return [t["args"] for t in queued if t["func"] == GENERATE_TASK]


def test_stale_limit_follows_the_cluster_unless_configured(settings):
    # The cluster's retry + timeout (720 s + 600 s by default), plus two minutes.
    cluster = settings.Q_CLUSTER
    expected = cluster["retry"] + cluster["timeout"] + 120
    assert generation_stale_after() == dt.timedelta(seconds=expected)
    settings.PRISM = {**settings.PRISM, "GENERATION_STALE_SECONDS": 90}
    assert generation_stale_after() == dt.timedelta(seconds=90)


def test_a_running_entry_whose_task_vanished_is_enqueued_again(
    db, task_queue, django_capture_on_commit_callbacks
):
    run = run_for(dt.date(2026, 11, 20))
    begin(run)  # the worker then died, or the cluster's timeout killed it
    task_queue()  # whatever was queued before is not the point here
    with django_capture_on_commit_callbacks(execute=True):
        recovered = generation_runs_recover(now=later(1))
    assert recovered == {run.pk: ["CEO: requeued"]}
    run.refresh_from_db()
    entry = run.progress["ceo"]
    assert entry["status"] == "queued" and entry["attempts"] == 1
    assert "분 넘게 실행 중 상태로 남아 다시 시도합니다" in entry["error"]
    assert run.status == Status.RUNNING and run.finished_at is None
    assert "[CEO] 작업이" in run.error  # the admin shows why it is being retried
    ceo = ReaderType.objects.get(slug="ceo")
    assert generation_tasks(task_queue()) == [(run.pk, ceo.pk)]


def test_fresh_work_is_left_alone(db, task_queue):
    run = run_for(dt.date(2026, 11, 20), "ceo", "job-seeker")
    begin(run)
    task_queue()
    assert generation_runs_recover(now=later(-1)) == {}
    run.refresh_from_db()
    assert [e["status"] for e in run.progress.values()] == ["running", "queued"]
    assert task_queue() == []


def test_finished_runs_are_never_touched(sample_edition, task_queue):
    run = run_for(sample_edition.edition_date)
    ceo = ReaderType.objects.get(slug="ceo")
    assert generation_reader_type_run(run_id=run.pk, reader_type_id=ceo.pk) == (
        "succeeded"
    )
    task_queue()
    assert generation_runs_recover(now=later(60)) == {}
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED and run.error == ""
    assert task_queue() == []


def test_work_that_used_its_attempts_is_failed_with_the_reason(db, settings):
    settings.PRISM = {**settings.PRISM, "GENERATION_MAX_ATTEMPTS": 2}
    run = run_for(dt.date(2026, 11, 20))
    begin(run)
    begin(run)  # a second delivery, also lost
    assert generation_runs_recover(now=later(5)) == {run.pk: ["CEO: failed"]}
    run.refresh_from_db()
    assert run.status == Status.FAILED and run.finished_at is not None
    assert "실패로 처리했습니다" in run.progress["ceo"]["error"]
    assert run.progress["ceo"]["finished_at"]
    # Later deliveries of the lost task find the work ended and do nothing.
    ceo = ReaderType.objects.get(slug="ceo")
    assert not generation_attempt_begin(run_id=run.pk, reader_type_id=ceo.pk)


def test_queued_work_never_delivered_is_enqueued_again(
    db, task_queue, django_capture_on_commit_callbacks
):
    run = run_for(dt.date(2026, 11, 20), "ceo", "job-seeker")
    task_queue()  # the broker lost both tasks
    with django_capture_on_commit_callbacks(execute=True):
        recovered = generation_runs_recover(now=later(1))
    assert sorted(recovered[run.pk]) == ["CEO: requeued", "대학생·취업준비생: requeued"]
    assert len(generation_tasks(task_queue())) == 2
    run.refresh_from_db()
    assert {e["attempts"] for e in run.progress.values()} == {0}
    assert "대기 중 상태로 남아" in run.error


def test_a_day_old_run_is_failed_rather_than_retried(db, task_queue):
    run = run_for(dt.date(2026, 11, 19))
    backdate(run, dt.timedelta(days=2))
    task_queue()
    assert generation_runs_recover() == {run.pk: ["CEO: failed"]}
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert "하루 넘게 지나 다시 시도하지 않음" in run.error
    assert task_queue() == []


def test_recovered_work_completes_on_its_next_delivery(
    sample_edition, task_queue, django_capture_on_commit_callbacks
):
    run = run_for(sample_edition.edition_date)
    begin(run)
    task_queue()
    with django_capture_on_commit_callbacks(execute=True):
        generation_runs_recover(now=later(1))
    (args,) = generation_tasks(task_queue())
    assert tasks.generate_briefing_for_reader_type(*args) == "succeeded"
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED and run.error == ""
    assert run.progress["ceo"]["attempts"] == 2
    assert Briefing.objects.filter(generation_run=run).count() == 1


def test_recovery_task_requeues_stale_work_once(db, settings):
    settings.PRISM = {**settings.PRISM, "GENERATION_STALE_SECONDS": 1}
    run = run_for(dt.date(2026, 11, 20))
    backdate(run, dt.timedelta(minutes=5))
    assert tasks.recover_generation_runs() == 1
    assert tasks.recover_generation_runs() == 0  # requeued just now: fresh again


def test_a_task_over_its_time_limit_is_recorded_and_retried(
    db, task_queue, monkeypatch, django_capture_on_commit_callbacks
):
    from prism.services import generation

    def stuck(**kwargs):
        time.sleep(30)

    monkeypatch.setattr(generation, "briefing_generate", stuck)
    run = run_for(dt.date(2026, 11, 20))
    ceo = ReaderType.objects.get(slug="ceo")
    task_queue()
    # django-q's own time limit, as its worker applies it: SIGALRM raising SystemExit.
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(SystemExit), TimeoutHandler(1):
            generation_reader_type_run(run_id=run.pk, reader_type_id=ceo.pk)
    run.refresh_from_db()
    entry = run.progress["ceo"]
    assert entry["status"] == "queued" and entry["attempts"] == 1
    assert "작업 시간 제한을 넘었습니다" in entry["error"]
    assert generation_tasks(task_queue()) == [(run.pk, ceo.pk)]


# ------------------------------------------------- a real cluster loses a failure


def generate_and_lose_the_failure(run_id: int, reader_type_id: int) -> str:
    """The real task, except that generation fails and so does recording it.

    What a database outage at the wrong moment does: the task ends with an error
    django-q records (and, with ``ack_failures``, never delivers again), while the
    reader type's entry still says running.
    """
    from django.db import OperationalError

    from prism.services import generation

    def crash(**kwargs):
        raise RuntimeError("summarizer crashed")

    def lose(**kwargs):
        raise OperationalError("database is locked")

    originals = generation.briefing_generate, generation.generation_attempt_fail
    generation.briefing_generate, generation.generation_attempt_fail = crash, lose
    try:
        return generation.generation_reader_type_run(
            run_id=run_id, reader_type_id=reader_type_id
        )
    finally:
        generation.briefing_generate, generation.generation_attempt_fail = originals


RECOVERY_SETTINGS = """
from newsroom.settings import *  # noqa: F403

PRISM = {**PRISM, "GENERATION_STALE_SECONDS": 1}  # noqa: F405
"""


@pytest.mark.slow
@pytest.mark.qcluster
def test_the_clusters_recovery_schedule_finishes_a_run_whose_failure_was_lost(
    tmp_path,
):
    site = ClusterSite(tmp_path)
    (tmp_path / "prism_recovery_settings.py").write_text(RECOVERY_SETTINGS)
    site.env["DJANGO_SETTINGS_MODULE"] = "prism_recovery_settings"
    site.env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    site.manage("migrate", "--noinput", "-v", "0")
    newest = dt.date.today() - dt.timedelta(days=3)
    edition = newest + dt.timedelta(days=1)
    run_id = site.enqueue_generation(
        "tests.test_generation_recovery.generate_and_lose_the_failure",
        edition,
        corpus_for=newest,
    )
    lost = (
        "SELECT count(*) FROM django_q_task WHERE success = 0 AND func = "
        "'tests.test_generation_recovery.generate_and_lose_the_failure'"
    )
    cluster = site.start_cluster()
    try:
        deadline = time.monotonic() + DEADLINE
        while site.query(lost) != [(1,)]:
            assert cluster.poll() is None and time.monotonic() < deadline, site.log()
            time.sleep(0.5)
        # The task is over and recorded as failed; the run would stay running.
        time.sleep(1.5)  # past GENERATION_STALE_SECONDS
        # Make the recovery schedule due now, as when its five minutes are up: the
        # scheduler (every 30 s) runs it, it enqueues the real task again, and
        # that succeeds.
        due = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        site.query(
            "UPDATE django_q_schedule SET next_run = ? WHERE func = ?",
            due.strftime("%Y-%m-%d %H:%M:%S.%f"),
            "prism.tasks.recover_generation_runs",
        )
        assert site.wait_for_run(run_id, cluster) == "succeeded", site.log()
    finally:
        stop_cluster(cluster)
    log = site.log()
    assert "database is locked" in log  # the lost failure really happened
    assert re.search(r"generation run \d+ recovered: CEO: requeued", log), log
    ((attempts, error),) = site.query(
        "SELECT attempts, error FROM prism_generationrun WHERE id = ?", run_id
    )
    assert (attempts, error) == (2, "")
    briefings = site.query(
        "SELECT status, generation_run_id FROM prism_briefing WHERE edition_date = ?",
        edition.isoformat(),
    )
    assert briefings == [("draft", run_id)]
