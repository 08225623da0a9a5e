"""A real django-q2 cluster (``manage.py qcluster``) on a file-based SQLite database.

The cluster, its workers and the commands that feed it are separate processes, so
each test gets its own migrated SQLite file that all of them share; the test reads
results straight from that file. The deadlines only guard against a hang.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.qcluster, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
DEADLINE = 300  # seconds; a hang guard, not a speed requirement
FINISHED = {"succeeded", "failed", "skipped"}


class ClusterSite:
    """One SQLite file plus the environment every process of a test runs with."""

    def __init__(self, base: Path, **env: str) -> None:
        self.db_path = base / "prism.sqlite3"
        self.log_path = base / "qcluster.log"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "PRISM_SQLITE_TEST_PATH"}
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="newsroom.settings",
            PRISM_SQLITE_PATH=str(self.db_path),
            PRISM_VAR_DIR=str(base),
            PRISM_Q_WORKERS="2",
            PYTHONUNBUFFERED="1",
            **env,
        )

    def manage(self, *args: str) -> str:
        """Run a management command against this site; its stdout."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=DEADLINE,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def query(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.db_path, timeout=30) as connection:
            return connection.execute(sql, params).fetchall()

    def run_status(self, run_id: int) -> str:
        rows = self.query("SELECT status FROM prism_generationrun WHERE id = ?", run_id)
        return rows[0][0]

    def wait_for_run(self, run_id: int, cluster: subprocess.Popen) -> str:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            status = self.run_status(run_id)
            if status in FINISHED:
                return status
            assert cluster.poll() is None, self.log()
            time.sleep(1)
        pytest.fail(f"run {run_id} did not finish:\n{self.log()}")

    def start_cluster(self) -> subprocess.Popen:
        log = self.log_path.open("ab")
        return subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: workers included
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def enqueue_generation(
        self, task: str, edition: dt.date, *, corpus_for: dt.date | None = None
    ) -> int:
        """A CEO generation run for ``edition`` with ``task`` enqueued for it.

        With ``corpus_for``, the sample corpus is imported first as that day's news.
        """
        corpus = (
            "from prism.services.demo import demo_corpus_import; "
            f"demo_corpus_import(edition_date=dt.date.fromisoformat('{corpus_for}')); "
            if corpus_for
            else ""
        )
        out = self.manage(
            "shell",
            "-c",
            "import datetime as dt; from django_q.tasks import async_task; "
            "from prism.models import ReaderType; "
            "from prism.services.generation import generation_run_create; "
            + corpus
            + "ceo = ReaderType.objects.get(slug='ceo'); "
            "run = generation_run_create("
            f"edition_date=dt.date.fromisoformat('{edition}'), reader_types=[ceo]); "
            f"async_task('{task}', run.pk, ceo.pk); "
            "print(run.pk)",
        )
        return int(out.split()[-1])


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_cluster(cluster: subprocess.Popen) -> None:
    """SIGTERM the cluster; it must exit and leave no process of its group."""
    pgid = cluster.pid
    cluster.send_signal(signal.SIGTERM)
    try:
        assert cluster.wait(timeout=90) == 0
        deadline = time.monotonic() + 30
        while group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not group_alive(pgid), "a worker of the cluster is still running"
    finally:
        if group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)


@pytest.fixture
def site(tmp_path) -> ClusterSite:
    site = ClusterSite(tmp_path)
    site.manage("migrate", "--noinput", "-v", "0")
    return site


def test_cluster_generates_the_edition_and_stops_cleanly(site):
    newest = dt.date.today() - dt.timedelta(days=3)
    site.manage(
        "shell",
        "-c",
        "import datetime as dt; from prism.services.demo import demo_corpus_import; "
        f"demo_corpus_import(edition_date=dt.date.fromisoformat('{newest}'))",
    )
    # The import queued background summarization of the new articles.
    queued = site.query("SELECT count(*) FROM django_q_ormq")[0][0]
    assert queued >= 1
    out = site.manage(
        "prism_generate",
        "--date",
        (newest + dt.timedelta(days=1)).isoformat(),
        "--reader-type",
        "ceo",
        "--reader-type",
        "job-seeker",
    )
    run_id = int(re.search(r"#(\d+)", out).group(1))
    assert site.run_status(run_id) == "queued"

    cluster = site.start_cluster()
    try:
        assert site.wait_for_run(run_id, cluster) == "succeeded", site.log()
    finally:
        stop_cluster(cluster)

    briefings = site.query(
        "SELECT status, version FROM prism_briefing WHERE generation_run_id = ?",
        run_id,
    )
    assert briefings == [("draft", 1), ("draft", 1)]
    items = site.query(
        "SELECT count(*) FROM prism_briefingitem i JOIN prism_briefing b "
        "ON b.id = i.briefing_id WHERE b.generation_run_id = ?",
        run_id,
    )
    assert items == [(12,)]
    revisions = site.query(
        "SELECT kind, author_id FROM prism_briefingrevision r JOIN prism_briefing b "
        "ON b.id = r.briefing_id WHERE b.generation_run_id = ?",
        run_id,
    )
    assert revisions == [("generated", None), ("generated", None)]
    assert site.query("SELECT count(*) FROM prism_articlesummary")[0][0] >= 12


@pytest.fixture
def fast_retry_site(tmp_path) -> ClusterSite:
    # Killed tasks come back after PRISM_Q_RETRY seconds; timeout stays below it.
    site = ClusterSite(tmp_path, PRISM_Q_RETRY="3", PRISM_Q_TIMEOUT="2")
    site.manage("migrate", "--noinput", "-v", "0")
    return site


def test_a_task_that_kills_its_worker_ends_as_a_failed_run(fast_retry_site):
    site = fast_retry_site
    run_id = site.enqueue_generation(
        "tests.qcluster_tasks.generate_and_die", dt.date(2026, 11, 20)
    )
    cluster = site.start_cluster()
    try:
        assert site.wait_for_run(run_id, cluster) == "failed"
        # The cluster survived its workers' deaths and keeps serving.
        assert cluster.poll() is None
    finally:
        stop_cluster(cluster)
    attempts, error = site.query(
        "SELECT attempts, error FROM prism_generationrun WHERE id = ?", run_id
    )[0]
    # Three deliveries died; the fourth found the limit reached and gave up.
    assert attempts == 4
    assert "3번 시도" in error
    assert "reincarnated worker" in site.log()
    # The giving-up delivery returned normally, so django-q2 recorded and dropped it.
    finished = site.query(
        "SELECT count(*) FROM django_q_task WHERE func = ? AND success",
        "tests.qcluster_tasks.generate_and_die",
    )
    assert finished == [(1,)]
