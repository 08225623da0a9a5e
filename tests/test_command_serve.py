"""`prism_serve` (what `make demo` runs): the worker and the web server together, and
Ctrl-C stops both with nothing left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.processes import DEADLINE, ROOT, ClusterSite, free_port

pytestmark = [pytest.mark.qcluster, pytest.mark.slow]


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its command line (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: dict[int, str] = {}
    pending = list(children.get(pid, []))
    while pending:
        child = pending.pop()
        try:
            command = (Path("/proc") / str(child) / "cmdline").read_bytes()
        except OSError:
            continue
        found[child] = command.replace(b"\0", b" ").decode(errors="replace")
        pending.extend(children.get(child, []))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; only its parent has not collected it yet.
    state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


def wait_for_page(url: str, serve: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        assert serve.poll() is None, log.read_text(errors="replace")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} never answered:\n{log.read_text(errors='replace')}")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_ctrl_c_stops_the_worker_and_the_web_server(tmp_path):
    site = ClusterSite(tmp_path)
    site.manage("migrate", "--noinput", "-v", "0")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("ab") as output:
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "prism_serve", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=site.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_page(f"http://127.0.0.1:{port}/", serve, log)
        deadline = time.monotonic() + DEADLINE
        while "running." not in log.read_text(errors="replace"):
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.5)
        processes = descendants(serve.pid)
        commands = " | ".join(processes.values())
        assert "qcluster" in commands and "runserver" in commands, commands
        # Ctrl-C in a terminal signals the whole foreground process group.
        os.killpg(serve.pid, signal.SIGINT)
        assert serve.wait(timeout=DEADLINE) == 0, log.read_text(errors="replace")
        output = log.read_text(errors="replace")
        assert "has stopped." in output, output
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in processes) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = {pid: cmd for pid, cmd in processes.items() if alive(pid)}
        assert not left, f"left behind: {left}"
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
        for pid in descendants(serve.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
