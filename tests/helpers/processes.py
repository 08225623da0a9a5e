"""Real processes for the multi-process tests: a site on its own SQLite file, the
``qcluster`` it runs, and stopping a process group with nothing left behind."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prism.management.commands.prism_serve import stop_group as serve_stop_group

ROOT = Path(__file__).resolve().parents[2]
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


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM a process started in its own session, then SIGKILL its whole group
    (as ``prism_serve`` stops its children, with a test's patience)."""
    serve_stop_group(process, timeout=60)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
