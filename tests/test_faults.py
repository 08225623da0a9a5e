"""Faults: a busy embedded database, failing summarizers, a worker killed mid-write.

The multi-process tests run the real programs (gunicorn, ``manage.py qcluster``,
``prism_import``, editors calling the workflow service) against one SQLite file, the
embedded default, and read the results straight from that file. Their deadlines only
guard against a hang. Functions without a ``test_`` prefix run inside those processes.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from prism.models import ArticleSummary, Briefing, GenerationRun, ReaderType
from prism.nlp.extractive import ExtractiveSummarizer
from prism.nlp.korean import without_asides
from prism.nlp.summarize import Summary
from prism.services.generation import generation_run_create, generation_run_execute
from prism.services.selection import briefing_select
from tests.helpers.contention import MIN_EDITS
from tests.helpers.processes import (
    DEADLINE,
    ROOT,
    ClusterSite,
    free_port,
    stop_cluster,
    stop_group,
)

SAMPLE = ROOT / "prism" / "sample_data" / "articles.jsonl"
LOCKED = re.compile(r"database (table )?is locked", re.I)

# --------------------------------------------------------------- failing summarizers


class FlakySummarizer(ExtractiveSummarizer):
    """A real summarizer (dotted-path backend) that fails on one chosen headline."""

    backend = "flaky"
    fail_on = ""

    def summarize(self, title: str, body: str, n_sentences: int = 3) -> Summary:
        if title == self.fail_on:
            raise MemoryError("CUDA out of memory (테스트용 실패)")
        return super().summarize(title, body, n_sentences)


def _run(edition: dt.date, *slugs: str) -> GenerationRun:
    run = generation_run_create(
        edition_date=edition, reader_types=ReaderType.objects.filter(slug__in=slugs)
    )
    return generation_run_execute(run)


def test_missing_model_falls_back_to_extractive_and_the_run_succeeds(
    sample_edition, settings, tmp_path, fresh_summarizers
):
    missing = tmp_path / "kobart-summarization"
    settings.PRISM = {
        **settings.PRISM,
        "SUMMARIZER_BACKEND": "transformers",
        "SUMMARIZER_MODEL": str(missing),
    }
    run = _run(sample_edition.edition_date, "ceo", "job-seeker")
    assert run.status == GenerationRun.Status.SUCCEEDED, run.error
    briefings = Briefing.objects.filter(generation_run=run)
    assert briefings.count() == 2
    for briefing in briefings:
        items = list(briefing.items.select_related("article"))
        assert len(items) == 6
        for item in items:
            stored = ArticleSummary.objects.get(
                article=item.article, backend="transformers"
            )
            assert item.summary and stored.text
            # The reason is recorded with the summary, marked for a later retry.
            assert stored.fallback_reason.startswith("생성 오류로 추출 요약을 사용함")
            assert "ModelLoadError" in stored.fallback_reason
            assert "does not exist" in stored.fallback_reason
        provenance = briefing.revisions.get().provenance
        assert provenance["summarizer"]["backend"] == "transformers"


def test_a_summarizer_failing_on_one_article_does_not_stop_the_run(
    sample_edition, settings, monkeypatch, fresh_summarizers
):
    settings.PRISM = {
        **settings.PRISM,
        "SUMMARIZER_BACKEND": "tests.test_faults.FlakySummarizer",
    }
    edition = sample_edition.edition_date
    chosen = briefing_select(
        reader_type=ReaderType.objects.get(slug="ceo"), edition_date=edition
    ).items[2]
    monkeypatch.setattr(FlakySummarizer, "fail_on", chosen.article.headline)

    run = _run(edition, "ceo")

    assert run.status == GenerationRun.Status.SUCCEEDED, run.error
    briefing = Briefing.objects.get(generation_run=run)
    by_article = {item.article_id: item for item in briefing.items.all()}
    assert len(by_article) == 6 and chosen.article.pk in by_article
    reasons = {
        summary.article_id: summary.fallback_reason
        for summary in ArticleSummary.objects.filter(
            article_id__in=by_article, backend="flaky"
        )
    }
    assert set(reasons) == set(by_article)
    failed = reasons.pop(chosen.article.pk)
    assert failed == (
        "생성 오류로 추출 요약을 사용함: "
        "MemoryError: CUDA out of memory (테스트용 실패)"
    )
    assert set(reasons.values()) == {""}  # the other five were summarized normally
    assert by_article[chosen.article.pk].summary  # the fallback text is in the draft


def test_degenerate_model_output_falls_back_per_article(
    sample_edition, settings, silent_seq2seq_model, fresh_summarizers
):
    settings.PRISM = {
        **settings.PRISM,
        "SUMMARIZER_BACKEND": "transformers",
        "SUMMARIZER_MODEL": str(silent_seq2seq_model.path),
        "SUMMARIZER_OPTIONS": {"num_threads": 1, "num_beams": 1, "min_length": 0},
    }
    run = _run(sample_edition.edition_date, "ceo")
    assert run.status == GenerationRun.Status.SUCCEEDED, run.error
    briefing = Briefing.objects.get(generation_run=run)
    for item in briefing.items.all():
        stored = ArticleSummary.objects.get(
            article=item.article, backend="transformers"
        )
        # (The briefing tells it without asides such as stock codes.)
        assert item.summary == without_asides(stored.text) != ""
        assert stored.fallback_reason.startswith("모델 출력 이상")


# ------------------------------------------------------- worker killed mid-write


def generate_and_die_mid_write(run_id: int, reader_type_id: int) -> str:
    """The real generation task, except that the worker is SIGKILLed mid-write.

    The kill lands after the briefing row, its sections and items were written inside
    ``briefing_write``'s transaction and before the revision: the moment an
    out-of-memory kill would leave the most behind if writes were not atomic.
    """
    from prism.services import generation

    original = generation._write_parts

    def write_then_die(briefing, composition) -> None:
        original(briefing, composition)
        # Evidence for the test: what this transaction had written when it died.
        written = {
            "briefing": briefing.pk,
            "sections": briefing.sections.count(),
            "items": briefing.items.count(),
        }
        died = Path(os.environ["PRISM_VAR_DIR"]) / f"died-{os.getpid()}.json"
        died.write_text(json.dumps(written))
        os.kill(os.getpid(), signal.SIGKILL)

    generation._write_parts = write_then_die
    try:
        return generation.generation_reader_type_run(
            run_id=run_id, reader_type_id=reader_type_id
        )
    finally:
        generation._write_parts = original  # this worker serves other tasks later


FAULT_SETTINGS = """
from newsroom.settings import *  # noqa: F403

# One attempt per reader type: each attempt here costs a cold JVM and the broker's
# redelivery delay; the existing kill test covers the default of three.
PRISM = {**PRISM, "GENERATION_MAX_ATTEMPTS": 1}  # noqa: F405
"""


@pytest.fixture
def kill_site(tmp_path) -> ClusterSite:
    # A killed task comes back after PRISM_Q_RETRY seconds; the timeout stays below
    # it and well above one cold generation, so only the kill ends an attempt.
    site = ClusterSite(tmp_path, PRISM_Q_RETRY="50", PRISM_Q_TIMEOUT="45")
    (tmp_path / "prism_fault_settings.py").write_text(FAULT_SETTINGS)
    site.env["DJANGO_SETTINGS_MODULE"] = "prism_fault_settings"
    site.env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    site.manage("migrate", "--noinput", "-v", "0")
    return site


@pytest.mark.slow
@pytest.mark.qcluster
def test_worker_killed_mid_write_leaves_nothing_and_the_next_run_succeeds(
    kill_site,
):
    site = kill_site
    newest = dt.date.today() - dt.timedelta(days=3)
    edition = newest + dt.timedelta(days=1)
    run_id = site.enqueue_generation(
        "tests.test_faults.generate_and_die_mid_write", edition, corpus_for=newest
    )
    cluster = site.start_cluster()
    try:
        assert site.wait_for_run(run_id, cluster) == "failed", site.log()
        attempts, error = site.query(
            "SELECT attempts, error FROM prism_generationrun WHERE id = ?", run_id
        )[0]
        # The attempt died; its redelivery found the limit reached and gave up.
        assert attempts == 2 and "1번 시도" in error
        # The death came after the briefing, its sections and items were written in
        # the open transaction: none of it was committed.
        deaths = [
            json.loads(p.read_text()) for p in site.db_path.parent.glob("died-*.json")
        ]
        assert [(d["sections"], d["items"]) for d in deaths] == [(3, 6)]
        for table in (
            "prism_briefing",
            "prism_briefingsection",
            "prism_briefingitem",
            "prism_briefingrevision",
            "prism_auditevent",
        ):
            rows = site.query(f"SELECT count(*) FROM {table}")  # noqa: S608
            assert rows == [(0,)], table

        # The next run, with the real task, succeeds on the same cluster.
        out = site.manage(
            "prism_generate", "--date", edition.isoformat(), "--reader-type", "ceo"
        )
        next_id = int(re.search(r"#(\d+)", out).group(1))
        assert site.wait_for_run(next_id, cluster) == "succeeded", site.log()
        assert cluster.poll() is None
    finally:
        stop_cluster(cluster)
    assert "reincarnated worker" in site.log()
    briefings = site.query(
        "SELECT id, status, version, generation_run_id FROM prism_briefing "
        "WHERE edition_date = ?",
        edition.isoformat(),
    )
    assert len(briefings) == 1  # one briefing, no duplicate from the dead attempts
    briefing_id, status, version, made_by = briefings[0]
    assert (status, version, made_by) == ("draft", 1, next_id)
    counts = site.query(
        "SELECT (SELECT count(*) FROM prism_briefingitem WHERE briefing_id = ?),"
        " (SELECT count(*) FROM prism_briefingsection WHERE briefing_id = ?),"
        " (SELECT count(*) FROM prism_briefingrevision WHERE briefing_id = ?)",
        briefing_id,
        briefing_id,
        briefing_id,
    )
    assert counts == [(6, 3, 1)]


# ------------------------------------------- contention on the embedded database

IMPORTED_ARTICLES = 300
PAGE_THREADS = 3


def load_jsonl(path: Path, count: int) -> None:
    """``count`` distinct articles recombined from the sample corpus."""
    rng = random.Random(7)
    records = [json.loads(line) for line in SAMPLE.read_text().splitlines()]
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            record = rng.choice(records)
            sentences = re.split(r"(?<=다\.)\s+", record["body"])
            rng.shuffle(sentences)
            body = " ".join(sentences[: rng.randint(3, len(sentences))])
            handle.write(
                json.dumps(
                    {
                        "id": f"load-{number}",
                        "headline": f"{record['headline']} ({number})",
                        "body": f"{body} 일련번호 {number}번 기사다.",
                        "section": record.get("section", ""),
                        "published_at": record.get("published_at", ""),
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )


class WebLoad:
    """Readers on public pages and one subscriber changing follows, in threads."""

    def __init__(self, port: int, pages: list[str]) -> None:
        self.port = port
        self.pages = pages
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.failures: list[str] = []
        self.follows: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self.reader, args=(n,), daemon=True)
            for n in range(PAGE_THREADS)
        ] + [threading.Thread(target=self.writer, daemon=True)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def record(self, label: str, status: int) -> None:
        with self.lock:
            self.statuses[(label, status)] += 1

    def reader(self, number: int) -> None:
        paths = [*self.pages, "/", "/briefings/", "/reader-types/ceo/"]
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        index = number
        while not self.stop.is_set():
            path = paths[index % len(paths)]
            index += 1
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                self.record("GET " + path, response.status)
                time.sleep(0.02)  # steady traffic; leave the worker some CPU
            except OSError as error:
                self.failures.append(f"GET {path}: {error!r}")
                connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=60
                )

    def writer(self) -> None:
        import requests

        base = f"http://127.0.0.1:{self.port}"
        session = requests.Session()
        try:
            session.get(f"{base}/accounts/login/", timeout=60)
            response = session.post(
                f"{base}/accounts/login/",
                data={
                    "username": "reader",
                    "password": "load-test-pass-1",
                    "csrfmiddlewaretoken": session.cookies["csrftoken"],
                },
                allow_redirects=False,
                timeout=60,
            )
            self.record("POST login", response.status_code)
            action = "follow"
            while not self.stop.is_set():
                response = session.post(
                    f"{base}/reader-types/startup-founder/follow/",
                    data={
                        "action": action,
                        "csrfmiddlewaretoken": session.cookies["csrftoken"],
                    },
                    allow_redirects=False,
                    timeout=60,
                )
                self.record("POST follow", response.status_code)
                if response.status_code == 302:
                    self.follows.append(action)
                action = "unfollow" if action == "follow" else "follow"
                time.sleep(0.1)
        except (OSError, requests.RequestException, KeyError) as error:
            self.failures.append(f"writer: {error!r}")


def wait_until_serving(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text(errors="replace")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not start:\n" + log.read_text(errors="replace"))


@pytest.fixture
def contention_site(tmp_path) -> ClusterSite:
    site = ClusterSite(tmp_path)
    site.manage("migrate", "--noinput", "-v", "0")
    return site


@pytest.mark.slow
@pytest.mark.qcluster
def test_web_worker_import_and_editors_share_the_sqlite_file(contention_site, tmp_path):
    site = contention_site
    newest = dt.date.today() - dt.timedelta(days=3)
    edition = newest + dt.timedelta(days=1)
    setup = json.loads(
        site.manage(
            "shell",
            "-c",
            f"from tests.helpers.contention import contention_setup; "
            f"contention_setup('{edition}')",
        ).splitlines()[-1]
    )
    articles = tmp_path / "load.jsonl"
    load_jsonl(articles, IMPORTED_ARTICLES)
    port = free_port()
    logs: dict[str, Path] = {}

    def start(name: str, *command: str) -> subprocess.Popen:
        logs[name] = tmp_path / f"{name}.log"
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=site.env,
            stdout=logs[name].open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    gunicorn = Path(sys.executable).with_name("gunicorn")
    processes = {
        "gunicorn": start(
            "gunicorn",
            str(gunicorn),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "newsroom.wsgi:application",
        )
    }
    web = WebLoad(port, setup["pages"])
    try:
        wait_until_serving(port, processes["gunicorn"], logs["gunicorn"])
        web.start()
        processes["qcluster"] = start(
            "qcluster", sys.executable, "manage.py", "qcluster"
        )
        # Queued now, generated by the worker while everything else runs.
        out = site.manage(
            "prism_generate",
            "--date",
            edition.isoformat(),
            "--reader-type",
            "ceo",
            "--reader-type",
            "job-seeker",
        )
        run_id = int(re.search(r"#(\d+)", out).group(1))
        processes["import"] = start(
            "import", sys.executable, "manage.py", "prism_import", str(articles)
        )
        for number, (draft, editor) in enumerate(
            zip(setup["drafts"], setup["editors"], strict=True)
        ):
            processes[f"editor{number}"] = start(
                f"editor{number}",
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from tests.helpers.contention import editor_loop; "
                f"editor_loop({draft}, {editor}, {run_id})",
            )
        for name in ("import", "editor0", "editor1"):
            assert processes[name].wait(timeout=DEADLINE) == 0, logs[name].read_text()
        status = site.wait_for_run(run_id, processes["qcluster"])
        # Background summarization of everything imported drains too.
        deadline = time.monotonic() + DEADLINE
        while site.query("SELECT count(*) FROM django_q_ormq") != [(0,)]:
            assert time.monotonic() < deadline, site.log()
            time.sleep(1)
        time.sleep(1)  # the last task's result is saved after it leaves the queue
    finally:
        web.finish()
        for process in processes.values():
            stop_group(process)

    outputs = {name: path.read_text(errors="replace") for name, path in logs.items()}
    for name, output in outputs.items():
        assert not LOCKED.search(output), f"{name}:\n{output[-4000:]}"
        assert "Traceback" not in output, f"{name}:\n{output[-4000:]}"

    # The web server answered every request, and as expected.
    assert not web.failures, web.failures
    answered = Counter()
    for (label, code), count in web.statuses.items():
        answered[code] += count
        expected = {"POST login": 302, "POST follow": 302}.get(label, 200)
        assert code == expected, (label, code, count)
    assert answered[200] >= 50 and len(web.follows) >= 5, web.statuses
    assert " 500 " not in outputs["gunicorn"]

    # The worker: the generation run and every summarization task succeeded.
    assert status == "succeeded"
    assert site.query(
        "SELECT count(*) FROM prism_briefing WHERE generation_run_id = ?", run_id
    ) == [(2,)]
    tasks = dict(site.query("SELECT success, count(*) FROM django_q_task GROUP BY 1"))
    assert tasks.get(0, 0) == 0 and tasks.get(1, 0) >= 3, tasks

    # The import: every article is there, once.
    imported = site.query(
        "SELECT external_id FROM prism_article WHERE external_id LIKE 'load-%'"
    )
    assert sorted(row[0] for row in imported) == sorted(
        f"load-{n}" for n in range(IMPORTED_ARTICLES)
    )

    # The editors: every edit they were told was saved is there, once, in order.
    for number, draft in enumerate(setup["drafts"]):
        editor = f"editor{number + 1}"
        saved = re.findall(r"^saved (\d+) v(\d+)$", outputs[f"editor{number}"], re.M)
        edits = len(saved)
        assert edits >= MIN_EDITS
        assert saved == [(str(n), str(n + 2)) for n in range(edits)]
        version, lead = site.query(
            "SELECT version, lead FROM prism_briefing WHERE id = ?", draft
        )[0]
        assert version == 1 + edits
        assert lead == f"편집 {editor} #{edits - 1}: 리드를 고쳤다."
        revisions = site.query(
            "SELECT number, content FROM prism_briefingrevision "
            "WHERE briefing_id = ? AND kind = 'edited' ORDER BY number",
            draft,
        )
        assert [number for number, _ in revisions] == list(range(2, 2 + edits))
        for position, (_, content) in enumerate(revisions):
            content = json.loads(content)
            assert content["lead"] == f"편집 {editor} #{position}: 리드를 고쳤다."
            assert content["items"][0]["summary"].startswith(
                f"편집 {editor} #{position}:"
            )
        audits = site.query(
            "SELECT count(*) FROM prism_auditevent "
            "WHERE briefing_id = ? AND action = 'edited'",
            draft,
        )
        assert audits == [(edits,)]

    # The subscriber's last follow change is the one stored.
    following = site.query(
        "SELECT count(*) FROM prism_subscriber_reader_types srt "
        "JOIN prism_subscriber s ON s.id = srt.subscriber_id "
        "JOIN auth_user u ON u.id = s.user_id "
        "JOIN prism_readertype rt ON rt.id = srt.readertype_id "
        "WHERE u.username = 'reader' AND rt.slug = 'startup-founder'"
    )[0][0]
    assert following == (1 if web.follows[-1] == "follow" else 0)
