"""Scale-out: two django-q2 clusters on one PostgreSQL + Redis share the work.

Runs only against the real services (``make test-postgres``: ``DATABASE_URL`` is
PostgreSQL and ``REDIS_URL`` set). Both ``manage.py qcluster`` processes use the test
database pytest-django created, so what their workers write is visible here; the
test's own writes are committed (transactional test). Deadlines only guard against a
hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.helpers.processes import ROOT, stop_group

pytestmark = [pytest.mark.slow, pytest.mark.qcluster]

DEADLINE = 180  # seconds; a hang guard, not a speed requirement
TASKS = 40
TABLE = "prism_test_scale_out_execution"
# The clusters' settings: the host's, with a queue (cluster name) of this test's own
# so nothing else feeds or drains it. (django-q2 1.11's Q_CLUSTER_NAME variable
# needs an ALT_CLUSTERS setting, so the name is set here instead.)
SETTINGS_MODULE = """
import os

from newsroom.settings import *  # noqa: F403

Q_CLUSTER = {**Q_CLUSTER, "name": os.environ["PRISM_TEST_QUEUE"]}  # noqa: F405
"""


def record_execution(number: int) -> int:
    """Runs in a cluster's worker: one row per execution, naming the cluster."""
    from django.db import connection

    time.sleep(0.1)  # long enough that one cluster cannot drain the queue alone
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (task, cluster, pid) VALUES (%s, %s, %s)",  # noqa: S608
            [number, os.environ["PRISM_TEST_CLUSTER"], os.getpid()],
        )
    return number


def _services_configured() -> bool:
    url = os.environ.get("DATABASE_URL", "")
    return url.startswith(("postgres://", "postgresql://")) and bool(
        os.environ.get("REDIS_URL")
    )


needs_services = pytest.mark.skipif(
    not _services_configured(),
    reason=(
        "needs PostgreSQL and Redis: run `make test-postgres` "
        '(or eval "$(.ci/start-services)" before pytest)'
    ),
)


def _database_url() -> str:
    """The URL of the test database pytest-django created (``test_<name>``)."""
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def _environment(queue: str, base: Path) -> dict[str, str]:
    """Settings for the clusters and the enqueuing process: the same queue name,
    which django-q2 also uses to sign its task packages."""
    (base / "prism_scale_out_settings.py").write_text(SETTINGS_MODULE)
    return {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "prism_scale_out_settings",
        "PYTHONPATH": os.pathsep.join([str(base), str(ROOT)]),
        "PRISM_TEST_QUEUE": queue,
        "PRISM_Q_WORKERS": "2",
        "PYTHONUNBUFFERED": "1",
    }


def _start_cluster(name: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env={**env, "PRISM_TEST_CLUSTER": name},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait(condition, what: str, clusters, logs: list[Path]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        alive = all(cluster.poll() is None for cluster in clusters)
        if not alive or time.monotonic() > deadline:
            tails = "\n".join(log.read_text(errors="replace")[-3000:] for log in logs)
            problem = "a cluster exited" if not alive else "timed out"
            pytest.fail(f"{problem} waiting for {what}:\n{tails}")
        time.sleep(0.5)


def _executions() -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT task, cluster FROM {TABLE} ORDER BY id")  # noqa: S608
        return list(cursor.fetchall())


@pytest.fixture
def execution_table(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {TABLE} (id serial PRIMARY KEY, task integer NOT NULL, "
            "cluster text NOT NULL, pid integer NOT NULL)"
        )
    yield TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


@needs_services
def test_two_clusters_share_the_queue_and_run_each_task_once(execution_table, tmp_path):
    from django_q.models import Task

    queue = f"prism-scale-out-{uuid.uuid4().hex[:8]}"
    env = _environment(queue, tmp_path)
    logs = [tmp_path / "cluster-a.log", tmp_path / "cluster-b.log"]
    clusters = [
        _start_cluster(name, env, log)
        for name, log in zip(("a", "b"), logs, strict=True)
    ]
    finished = Task.objects.filter(name__startswith=queue)
    try:
        # Both clusters listen before anything is queued.
        _wait(
            lambda: all(
                log.exists() and "running." in log.read_text(errors="replace")
                for log in logs
            ),
            "both clusters to start",
            clusters,
            logs,
        )
        # Another process queues the tasks, as the web server or a command would.
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from django_q.tasks import async_task\n"
                f"for number in range({TASKS}):\n"
                "    async_task('tests.test_scale_out.record_execution', number, "
                f"task_name=f'{queue}-{{number}}')",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=DEADLINE,
        )
        _wait(lambda: finished.count() >= TASKS, f"{TASKS} results", clusters, logs)
    finally:
        for cluster in clusters:
            stop_group(cluster)

    # Stopped clusters leave nothing in flight: every execution is recorded now.
    executions = _executions()
    runs_per_task = {n: 0 for n in range(TASKS)}
    for number, _ in executions:
        runs_per_task[number] += 1
    assert set(runs_per_task.values()) == {1}, runs_per_task
    by_cluster = {name: sum(1 for _, c in executions if c == name) for name in "ab"}
    assert by_cluster["a"] > 0 and by_cluster["b"] > 0, by_cluster
    assert finished.count() == TASKS and finished.filter(success=True).count() == TASKS
    for log in logs:
        output = log.read_text(errors="replace")
        assert "Traceback" not in output, output[-3000:]
