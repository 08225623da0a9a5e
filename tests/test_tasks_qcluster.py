"""A real django-q2 cluster (``manage.py qcluster``) on a file-based SQLite database.

The cluster, its workers and the commands that feed it are separate processes, so
each test gets its own migrated SQLite file that all of them share; the test reads
results straight from that file. The deadlines only guard against a hang.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.helpers.processes import ClusterSite, stop_cluster

pytestmark = [pytest.mark.qcluster, pytest.mark.slow]


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
