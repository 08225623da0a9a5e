"""Public briefing pages at a fixed rate while a generation run and an import proceed.

Builds a throwaway SQLite database (the embedded default: WAL, IMMEDIATE) with the
published archive of ``bench/site_load.py`` (5 reader types x 60 days) plus the
sample corpus as an older edition, serves it with gunicorn (2 sync workers, DEBUG
off, full middleware stack) on loopback and requests briefing pages at a fixed rate
(open loop: request *i* is due at ``start + i / rate`` whether or not earlier ones
have answered, so a stall shows up as latency instead of as fewer requests; the
latency of a request counts from its due time). While that runs, two processes
write to the same database: ``prism_generate --sync`` for every active reader type
and ``prism_import`` of a large synthetic JSONL file. Prints a summary and writes it
to the "## Load under generation and import" section of BENCHMARKS.md
(``--no-write`` to skip).

    .venv/bin/python bench/load.py [--rate 50] [--duration 120] [--articles 3000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import site_load  # noqa: E402
from bench.report import BENCHMARKS, write_section  # noqa: E402

SECTION = "## Load under generation and import"
LOCKED = "database is locked"
# The sample corpus becomes this long-past edition: its generation window holds no
# archive article, and no archive briefing blocks its drafts.
EDITION_DAYS_AGO = 90
# Each import round is a day's articles, rounds a month apart (near-duplicates are
# looked for within 14 days), all long before the generated edition.
IMPORT_DAYS_AGO = 200
IMPORT_ROUNDS = 12
GENERATION_ROUNDS = 12


@dataclass
class Sample:
    due: float
    started: float
    finished: float
    status: int  # 0: no answer (connection error, timeout)

    @property
    def latency_ms(self) -> float:
        return (self.finished - self.due) * 1000

    @property
    def lag_ms(self) -> float:
        return (self.started - self.due) * 1000

    @property
    def service_ms(self) -> float:
        return (self.finished - self.started) * 1000


@dataclass
class Round:
    started: float
    finished: float
    returncode: int
    output: str

    @property
    def seconds(self) -> float:
        return self.finished - self.started


@dataclass
class Job:
    """A writer that runs its command round after round until the window ends."""

    name: str
    commands: list[list[str]]
    rounds: list[Round] = field(default_factory=list)

    def run(self, env: dict[str, str], until: float) -> None:
        for command in self.commands:
            if time.monotonic() >= until:
                return
            started = time.monotonic()
            done = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
            )
            self.rounds.append(
                Round(
                    started,
                    time.monotonic(),
                    done.returncode,
                    done.stdout + done.stderr,
                )
            )

    @property
    def failed(self) -> list[Round]:
        return [r for r in self.rounds if r.returncode != 0]

    @property
    def locked(self) -> int:
        """Rounds whose output reports a lock timeout (retried or failed)."""
        return sum(LOCKED in r.output for r in self.rounds)


@dataclass
class LoadAverages:
    values: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.wait(1.0):
            self.values.append(os.getloadavg()[0])


def build_database(env: dict[str, str], workdir: Path, articles: int) -> tuple:
    """Archive, sample corpus and the JSONL files to import."""
    count, _, today, _ = site_load.populate(env)  # sets up Django in this process
    from django.db import connection

    from prism.models import Briefing
    from prism.services.demo import demo_corpus_import

    newest = dt.date.fromisoformat(today) - dt.timedelta(days=EDITION_DAYS_AGO)
    demo_corpus_import(edition_date=newest)
    pages = [
        briefing.get_absolute_url()
        for briefing in Briefing.objects.published().select_related("reader_type")
    ]
    connection.close()
    files = []
    for number in range(IMPORT_ROUNDS):
        path = workdir / f"import-{number}.jsonl"
        day = dt.date.fromisoformat(today) - dt.timedelta(
            days=IMPORT_DAYS_AGO + 30 * number
        )
        write_import_file(path, articles, day, number)
        files.append(path)
    return pages, newest + dt.timedelta(days=1), files, count


def write_import_file(path: Path, count: int, day: dt.date, number: int) -> None:
    """One day's synthetic articles (sample sentences recombined into stories)."""
    from bench.generation_scale import Synthesizer

    with path.open("w", encoding="utf-8") as handle:
        for index, record in enumerate(Synthesizer(seed=11 + number).articles(count)):
            minute = index % (18 * 60)
            handle.write(
                json.dumps(
                    {
                        "id": f"load-{number}-{index}",
                        "headline": record["headline"],
                        "body": record["body"],
                        "section": record["section"],
                        "subsection": record["subsection"],
                        "published_at": f"{day}T{6 + minute // 60:02d}:"
                        f"{minute % 60:02d}:00+09:00",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )


class OpenLoopClient:
    """Sends GET requests at fixed due times from a pool of keep-alive threads."""

    def __init__(self, port: int, pages: list[str], rate: float) -> None:
        self.port = port
        self.pages = pages
        self.rate = rate
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        if getattr(self.local, "connection", None) is None:
            self.local.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=30
            )
        return self.local.connection

    def _request(self, due: float, path: str) -> None:
        started = time.monotonic()
        status = 0
        for _ in range(2):  # a keep-alive connection the server closed: reconnect
            try:
                connection = self._connection()
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
                break
            except (OSError, http.client.HTTPException):
                self.local.connection = None
        sample = Sample(due, started, time.monotonic(), status)
        with self.lock:
            self.samples.append(sample)

    def run(self, seconds: float, start: float) -> list[Sample]:
        total = int(seconds * self.rate)
        with ThreadPoolExecutor(max_workers=64) as pool:
            for number in range(total):
                due = start + number / self.rate
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(self._request, due, self.pages[number % len(self.pages)])
        return sorted(self.samples, key=lambda sample: sample.due)


def check_page(port: int, path: str) -> None:
    """Fail loudly instead of measuring an error page."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summarize(samples: list[Sample], window: tuple[float, float] | None = None):
    chosen = [s for s in samples if window is None or window[0] <= s.due < window[1]]
    answered = [s for s in chosen if s.status]
    latencies = [s.latency_ms for s in answered]
    service = [s.service_ms for s in answered]
    return {
        "service_p50": percentile(service, 50),
        "service_p99": percentile(service, 99),
        "requests": len(chosen),
        "errors": sum(1 for s in chosen if s.status != 200),
        "no_answer": sum(1 for s in chosen if not s.status),
        "5xx": sum(1 for s in chosen if s.status >= 500),
        "p50": percentile(latencies, 50),
        "p90": percentile(latencies, 90),
        "p99": percentile(latencies, 99),
        "max": max(latencies, default=float("nan")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0, help="requests/s")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds")
    parser.add_argument("--articles", type=int, default=3000, help="to import")
    parser.add_argument(
        "--delay", type=float, default=5.0, help="seconds before the writers start"
    )
    parser.add_argument(
        "--nice", type=int, default=0, help="niceness of the writers (0: as is)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="prism-load-") as tmp:
        workdir = Path(tmp)
        env = site_load.bench_environment(workdir)
        pages, edition, import_files, archive = build_database(
            env, workdir, args.articles
        )
        port = site_load.free_port()
        server = site_load.start_gunicorn(env, port)
        loads = LoadAverages()
        threading.Thread(target=loads.run, daemon=True).start()
        load_before = os.getloadavg()[0]
        manage = [sys.executable, "manage.py"]
        if args.nice:
            manage = ["nice", "-n", str(args.nice), *manage]
        generate = [*manage, "prism_generate", "--sync", "--date", edition.isoformat()]
        jobs = [
            Job("generation", [generate] * GENERATION_ROUNDS),
            Job(
                "import",
                [[*manage, "prism_import", str(path)] for path in import_files],
            ),
        ]
        try:
            for page in pages[:5]:
                check_page(port, page)
            start = time.monotonic() + 0.5
            end = start + args.duration
            runners = [
                threading.Timer(
                    start - time.monotonic() + args.delay, job.run, (env, end)
                )
                for job in jobs
            ]
            for runner in runners:
                runner.start()
            samples = OpenLoopClient(port, pages, args.rate).run(args.duration, start)
            for runner in runners:
                runner.join()
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
            loads.stop.set()
        counts = _database_counts(env)

    overall = summarize(samples)
    first = start + args.delay
    last = min(end, max(job.rounds[-1].finished for job in jobs if job.rounds))
    busy = summarize(samples, (first, last))
    lag = sorted(s.lag_ms for s in samples)
    report = {
        "overall": overall,
        "while_writing": busy,
        "jobs": {
            job.name: {
                "rounds": [round(r.seconds, 1) for r in job.rounds],
                "failed": len(job.failed),
                "locked_rounds": sum(LOCKED in r.output for r in job.rounds),
                "last_error": job.failed[-1].output.strip().splitlines()[-1:]
                if job.failed
                else [],
            }
            for job in jobs
        },
        "client_lag_p99_ms": percentile(lag, 99),
        "load": {
            "before": load_before,
            "max": max(loads.values, default=float("nan")),
            "mean": statistics.fmean(loads.values) if loads.values else float("nan"),
        },
        "database": counts,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    section = render(args, report, archive, (first, last), jobs)
    print(section)
    if not args.no_write:
        write_section(SECTION, section, keep_from="Reading it:")
        print(f"\nwritten to {BENCHMARKS.relative_to(ROOT)}")


def import_batch_size() -> int:
    from prism.conf import prism_settings

    return int(prism_settings.IMPORT_BATCH_SIZE)


def _database_counts(env: dict[str, str]) -> dict[str, int]:
    from django.db import connection

    from prism.models import Article, GenerationRun

    connection.close()
    runs = GenerationRun.objects.all()
    statuses = Counter(runs.values_list("status", flat=True))
    return {
        "imported": Article.objects.filter(external_id__startswith="load-").count(),
        "runs_succeeded": statuses["succeeded"],
        "runs": runs.count(),
        # A round that crashed leaves its run behind in this state.
        "runs_by_status": dict(statuses),
    }


def render(args, report, archive, busy_window, jobs) -> str:
    overall, busy = report["overall"], report["while_writing"]
    load, counts = report["load"], report["database"]
    generation, imported = jobs

    def row(name: str, stats: dict) -> str:
        return (
            f"| {name} | {stats['requests']} | {stats['p50']:.1f} | "
            f"{stats['p90']:.1f} | {stats['p99']:.1f} | {stats['max']:.0f} | "
            f"{stats['service_p99']:.1f} | {stats['errors']} | {stats['5xx']} |"
        )

    def rounds(job: Job) -> str:
        seconds = [r.seconds for r in job.rounds]
        return (
            f"{len(seconds)} rounds of {min(seconds):.1f}-{max(seconds):.1f} s "
            f"(median {statistics.median(seconds):.1f} s), {len(job.failed)} failed"
        )

    gunicorn = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    busy_seconds = busy_window[1] - busy_window[0]
    lines = [
        f"`bench/load.py`, {dt.date.today():%Y-%m-%d}: `.venv/bin/python bench/load.py"
        f" --rate {args.rate:g} --duration {args.duration:g} --articles "
        f"{args.articles}" + (f" --nice {args.nice}" if args.nice else "") + "`.",
        "",
        textwrap.fill(
            f"{gunicorn or 'gunicorn'}, 2 sync workers, DEBUG off, full middleware "
            "stack, SQLite file (WAL, IMMEDIATE transactions, 20 s busy timeout) "
            f"shared by every process; {archive} published briefings. Open-loop "
            f"load: one GET every {1000 / args.rate:.0f} ms for {args.duration:g} s, "
            "cycling through every published briefing page (anonymous; the first "
            "visit of a page renders it, later ones come from the page cache), "
            "latency counted from each request's due time, so a stalled server "
            f"cannot hide behind fewer requests. From {args.delay:g} s in, two "
            "writers run round after round on the same database until the window "
            "ends: `prism_generate --sync` (every active reader type over the "
            "sample corpus; each round replaces the untouched drafts) and "
            f"`prism_import` of {args.articles:,} synthetic articles (one day's "
            "file per round, committed "
            f'{import_batch_size()} articles at a time, `PRISM["IMPORT_BATCH_SIZE"]`)'
            + (f", both at niceness {args.nice}. " if args.nice else ". ")
            + f"Machine: {platform.machine()}, {os.cpu_count()} cores shared by "
            "server, load generator and writers, "
            f"{platform.python_implementation()} {platform.python_version()}; "
            "the machine is shared with other work: 1-minute load average "
            f"{load['before']:.1f} before, mean {load['mean']:.1f}, "
            f"max {load['max']:.1f} during the run.",
            width=88,
        ),
        "",
        "| requests | count | p50 ms | p90 ms | p99 ms | max ms | p99 from send ms "
        "| errors | 5xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        row("whole run", overall),
        row(f"while the writers ran ({busy_seconds:.0f} s)", busy),
        "",
        f"- Generation (14 reader types per round): {rounds(generation)}; "
        f"{counts['runs_succeeded']} of {counts['runs']} runs succeeded "
        f"(by status: {counts['runs_by_status']}).",
        f"- Import ({args.articles:,} articles per round): {rounds(imported)}; "
        f"{counts['imported']:,} articles stored.",
        "- 'database is locked' (the 20 s busy timeout ran out) in the writers' "
        f"output: generation {generation.locked} of {len(generation.rounds)} rounds, "
        f"import {imported.locked} of {len(imported.rounds)}.",
        f"- Load generator lag (p99 of send time after due time): "
        f"{report['client_lag_p99_ms']:.1f} ms"
        + (
            " — the generator itself fell behind (CPU starved), so the due-time "
            "latencies include its delay; see the from-send column."
            if report["client_lag_p99_ms"] > 50
            else "."
        ),
        f"- Target: p99 < 250 ms and no 5xx: "
        f"{'met' if overall['p99'] < 250 and overall['5xx'] == 0 else 'not met'}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
