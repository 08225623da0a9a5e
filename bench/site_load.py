"""Load test of the public site: briefing detail and archive beside a bare Django view.

Builds a throwaway SQLite database with a realistic archive (published briefings for
several reader types over many days), serves it with gunicorn (2 sync workers,
DEBUG off, the full middleware stack) on loopback, and drives it with ``wrk`` (Debian
package ``wrk``), falling back to a small Python load generator where wrk is missing.
Every URL is measured in the same run, so the bare view is the ceiling on this
machine. Prints a table and writes it to the "## Site and API" section of
BENCHMARKS.md (``--no-write`` to skip).

    .venv/bin/python bench/site_load.py [--duration 15] [--connections 8]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import BENCHMARKS, write_section  # noqa: E402


def get_random_string(length: int) -> str:
    """Letters and digits, like a CSRF secret (Django is not imported here yet)."""
    import secrets
    import string

    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


SECTION = "## Site and API"
DAYS = 60
READER_TYPES = 5
# Share of the bare view's throughput each page must reach, in the same run
# (issue 13): a signed-in reader's briefing page, their profile, the API list.
TARGETS = {
    "briefing detail, signed-in reader": 0.40,
    "profile (5 briefings), signed-in reader": 0.20,
    "API briefing list": 0.35,
}

LEAD = (
    "국내 AI 기술 개발의 가장 큰 걸림돌은 인프라 부족으로 나타났다. " * 4
    + "\n"
    + "중국의 AI 스타트업 딥시크는 저사양 칩으로 비슷한 성능을 냈다. " * 4
)
BODY = "한국은행이 기준금리를 동결했다. 시장은 연내 인하를 점친다. " * 8
ARTICLE_NUMBERS = itertools.count(1)
SUMMARY = "AI 연구 인프라가 부족하다. 전력이 모자란다. 인재도 부족하다."

SETTINGS_MODULE = """
from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "prism_site_bench_urls"
# Persistent connections, as the PostgreSQL configuration has (conn_max_age=60).
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}
"""

URLS_MODULE = """
from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as newsroom_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *newsroom_urlpatterns]
"""


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float  # the server's CPU time per request (both workers together)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_environment(workdir: Path) -> dict[str, str]:
    """A production-like configuration (DEBUG off) on a throwaway database."""
    (workdir / "prism_site_bench_settings.py").write_text(SETTINGS_MODULE)
    (workdir / "prism_site_bench_urls.py").write_text(URLS_MODULE)
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "prism_site_bench_settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PRISM_VAR_DIR": str(workdir),
        "PRISM_SQLITE_PATH": str(workdir / "bench.sqlite3"),
        "PRISM_LOG_LEVEL": "WARNING",
        "PRISM_API_ANON_RATE": "1000000/minute",
        # DRF's user throttle counts anonymous clients by address too.
        "PRISM_API_USER_RATE": "1000000/minute",
        "DJANGO_STATIC_ROOT": str(workdir),
    }


def populate(env: dict[str, str]) -> tuple[int, str, str, str]:
    """Migrate and fill the database; returns (briefings, a slug, today's date,
    the session key of a signed-in subscriber who follows every bench reader type).
    """
    os.environ.update(env)
    sys.path[:0] = env["PYTHONPATH"].split(os.pathsep)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from prism.models import Briefing, ReaderType

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    reader_types = list(ReaderType.objects.filter(is_active=True)[:READER_TYPES])
    with transaction.atomic():  # one transaction: thousands of inserts
        for days in range(DAYS):
            for reader_type in reader_types:
                create_briefing(reader_type, today - dt.timedelta(days=days))
    count = Briefing.objects.published().count()
    session_key = signed_in_subscriber(reader_types)
    connection.close()  # gunicorn's workers open their own
    return count, reader_types[0].slug, today.isoformat(), session_key


def signed_in_subscriber(reader_types) -> str:
    """A subscriber following ``reader_types``, signed in: their session key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from prism.models import Subscriber

    user = User.objects.create_user("reader@example.com", "reader@example.com")
    subscriber, _ = Subscriber.objects.get_or_create(user=user)
    subscriber.reader_types.set(reader_types)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = next(
        backend
        for backend in settings.AUTHENTICATION_BACKENDS
        if "ModelBackend" in backend
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def create_briefing(reader_type, edition_date: dt.date) -> None:
    """A published briefing shaped like the real ones: 3 sections, 6 items."""
    from django.utils import timezone

    from prism.models import Article
    from tests.helpers.factories import briefing_create

    articles = []
    for _ in range(6):
        number = next(ARTICLE_NUMBERS)
        articles.append(
            Article.objects.create(
                headline=f"기사 {number}: 반도체 수출 석 달째 증가",
                body_raw=BODY,
                body=BODY,
                url=f"https://news.example.com/{number}",
                published_at=timezone.now(),
                content_hash=f"{number:064d}",
            )
        )
    briefing_create(
        reader_type=reader_type,
        status="published",
        articles=articles,
        section_body=LEAD,
        summary=SUMMARY,
        edition_date=edition_date,
        published_at=timezone.now(),
        headline=f"{reader_type.name} 브리핑 {edition_date}",
        lead=LEAD,
        keywords=["경량 AI 모델", "46파이 배터리", "B2B AI 시장", "특화 분야", "규제"],
    )


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
            "newsroom.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/bare/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def check_page(port: int, path: str, headers: dict[str, str]) -> None:
    """Fail loudly instead of measuring an error page."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _percentile(output: str, percent: int) -> float:
    match = re.search(rf"^\s+{percent}%\s+(\S+)\s*$", output, re.M)
    if match is None:
        raise SystemExit(f"no {percent}% latency in wrk's output:\n{output}")
    return _milliseconds(match.group(1))


def run_wrk(
    url: str, headers: dict[str, str], *, duration: int, connections: int, threads: int
) -> tuple:
    header_args = [arg for k, v in headers.items() for arg in ("-H", f"{k}: {v}")]
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            *header_args,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if "Latency Distribution" not in output:
        raise SystemExit(f"wrk measured nothing at {url}:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    count = int(re.search(r"(\d+) requests in", output).group(1))
    p50, p99 = (_percentile(output, percent) for percent in (50, 99))
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: .*"):
        match = re.search(pattern, output)
        if match and match.groups():
            errors += int(match.group(1))
        elif match:
            errors += sum(int(n) for n in re.findall(r"\d+", match.group(0)))
    return rate, p50, p99, errors, count


def run_python_load(
    port: int, path: str, headers: dict[str, str], *, duration: int, connections: int
) -> tuple:
    """A keep-alive load generator for machines without wrk (less precise)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        local: list[float] = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            local.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    percentiles = statistics.quantiles(latencies, n=100)
    count = len(latencies)
    return count / duration, percentiles[49], percentiles[98], errors[0], count


def server_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by the gunicorn master's workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == master_pid:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def measure_once(server_pid: int, port: int, target: Target, duration: int, args):
    """(req/s, p50 ms, p99 ms, errors, server CPU ms per request) of one run."""
    cpu_before = server_cpu_seconds(server_pid)
    if shutil.which("wrk"):
        url = f"http://127.0.0.1:{port}{target.path}"
        rate, p50, p99, errors, count = run_wrk(
            url,
            target.headers,
            duration=duration,
            connections=args.connections,
            threads=args.threads,
        )
    else:
        rate, p50, p99, errors, count = run_python_load(
            port,
            target.path,
            target.headers,
            duration=duration,
            connections=args.connections,
        )
    cpu = server_cpu_seconds(server_pid) - cpu_before
    return rate, p50, p99, errors, cpu * 1000 / max(count, 1)


def measure_all(
    server_pid: int, port: int, targets: list[Target], args
) -> list[Result]:
    """Interleaved runs, medians per URL: a busy neighbour skews one run, not all."""
    for target in targets:
        check_page(port, target.path, target.headers)
        measure_once(server_pid, port, target, 2, args)  # warm-up: caches, connections
    rounds: dict[str, list[tuple]] = {target.name: [] for target in targets}
    for _ in range(args.rounds):
        for target in targets:
            run = measure_once(server_pid, port, target, args.duration, args)
            rounds[target.name].append(run)
    results = []
    for target in targets:
        runs = rounds[target.name]
        medians = [statistics.median(run[i] for run in runs) for i in range(5)]
        errors = sum(run[3] for run in runs)
        results.append(
            Result(
                target.name,
                target.path,
                medians[0],
                medians[1],
                medians[2],
                errors,
                medians[4],
            )
        )
    return results


def table(results: list[Result], bare: Result) -> str:
    lines = [
        "| page | path | req/s | share of bare | server CPU ms/req "
        "| share by CPU | p50 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        share = result.requests_per_second / bare.requests_per_second
        cpu_share = bare.cpu_ms / result.cpu_ms if result.cpu_ms else 0.0
        lines.append(
            f"| {result.name} | `{result.path}` | {result.requests_per_second:.0f} "
            f"| {share:.0%} | {result.cpu_ms:.2f} | {cpu_share:.0%} "
            f"| {result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.errors} |"
        )
    return "\n".join(lines)


def targets_met(results: list[Result], bare: Result) -> str:
    """One line per target: the share reached (throughput and CPU) and whether met."""
    lines = []
    for result in results:
        target = TARGETS.get(result.name)
        if target is None:
            continue
        share = result.requests_per_second / bare.requests_per_second
        cpu_share = bare.cpu_ms / result.cpu_ms if result.cpu_ms else 0.0
        verdict = "met" if share >= target else "**not met**"
        lines.append(
            f"- Target: {result.name} >= {target:.0%} of the bare view: {share:.0%} "
            f"of its throughput ({cpu_share:.0%} by CPU): {verdict}."
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per URL")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="prism-site-bench-") as tmp:
        env = bench_environment(Path(tmp))
        count, slug, today, session_key = populate(env)
        port = free_port()
        server = start_gunicorn(env, port)
        try:
            detail = f"/briefings/{today}/{slug}/"
            # A session cookie (even an unknown one) bypasses the shared page
            # cache: the page is built every time.
            session = {"Cookie": "sessionid=bench-unknown-session"}
            # A signed-in browser holds the CSRF cookie it got with the login form.
            csrf = get_random_string(32)
            reader = {"Cookie": f"sessionid={session_key}; csrftoken={csrf}"}
            targets = [
                Target("bare Django view", "/bench/bare/"),
                Target("briefing detail", detail),
                Target("archive, page 1", "/briefings/"),
                Target("archive, page 5", "/briefings/?page=5"),
                Target("home", "/"),
                Target("briefing detail, signed-in reader", detail, reader),
                Target(
                    "profile (5 briefings), signed-in reader",
                    "/accounts/profile/",
                    reader,
                ),
                Target("archive, built per request", "/briefings/", session),
                Target("API briefing list", "/api/briefings/"),
            ]
            results = measure_all(server.pid, port, targets, args)
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)

    load_after = os.getloadavg()[0]
    bare = results[0]
    tool = "wrk " + (
        subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
        if shutil.which("wrk")
        else "missing: Python load generator"
    )
    summary = table(results, bare) + "\n\n" + targets_met(results, bare)
    notes = textwrap.dedent(
        f"""\
        `bench/site_load.py`, {dt.date.today():%Y-%m-%d}: gunicorn 27, 2 sync
        workers, DEBUG off, full middleware stack (sessions, CSRF, CSP, WhiteNoise,
        axes), SQLite file (WAL, persistent connections as with PostgreSQL),
        {count} published briefings ({READER_TYPES} reader types x {DAYS} days, 6
        items each). Load: {tool}, {args.connections} connections, {args.threads}
        threads; {args.rounds} interleaved runs of {args.duration} s per URL after a
        2 s warm-up, medians; loopback on this {os.cpu_count()}-core machine
        ({platform.python_implementation()} {platform.python_version()}), load
        generator and server sharing the cores. 1-minute load average
        {load_before:.1f} before and {load_after:.1f} after the run: other work on
        the shared machine moves the wall-clock columns from run to run, so the
        server's CPU time per request (read from /proc for both workers) is given
        too; "share by CPU" (bare view's CPU per request / the page's) is the
        steadier throughput ratio. Rows "signed-in reader" send the session of a
        subscriber following the {READER_TYPES} reader types and the CSRF cookie a
        browser holds after signing in; "built per request" sends an unknown
        session cookie. Either bypasses the shared page cache: the cost for
        signed-in readers and for the first visitor after a change. Targets:
        detail and archive at >= 50% of the bare view's throughput, p99 < 50 ms
        at 8 connections; signed-in briefing >= 40%, profile >= 20%, API list
        >= 35% (below the table).

        Reading the numbers:

        - Anonymous visitors share rendered pages (`prism/page_cache.py`): each
          request runs one prepared SQL query for the page's stamp (the briefing's
          id, version and update time; for lists, the count and latest update of
          published briefings) and serves the page rendered for that stamp. An
          edit, a publication or a withdrawal changes the stamp, so it shows on the
          next request; nothing unpublished is served from the cache.
        - Signed-in readers get their own cached copy of the briefing page and
          the profile (`prism/reader_cache.py`), keyed by their user id, session
          hash and CSRF cookie and by the same stamps (for the profile also the
          reader's own choices), so an edit or a changed choice shows on the next
          request. A hit costs the stamp query, the session row and the user's
          password hash and active flag, each one prepared SQL query (the check
          `django.contrib.auth` makes, without the ORM), and no rendering.
        - Pages built per request (a session the reader cache cannot vouch for)
          still share the briefing body's HTML (a fragment cache keyed by the
          briefing's id, version and update time). The archive built per request
          is 2 queries and its list.
        - The API list for everyone outside the newsroom is the same published
          list: its JSON is shared under the published stamp, the query and the
          host; a hit costs DRF's dispatch, the throttle and the stamp query.
          Newsroom staff (who see drafts) always get it built.
        """
    )
    print(summary)
    if not args.no_write:
        # Hand-written notes under "Runs and history:" survive a rerun.
        write_section(SECTION, notes + "\n" + summary, keep_from="Runs and history:")
        print(f"\nwritten to {BENCHMARKS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
