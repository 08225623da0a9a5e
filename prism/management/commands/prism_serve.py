"""Run the django-q2 worker and the development web server together (``make demo``).

Each child runs in its own session, so Ctrl-C reaches only this command, which then
sends each child's main process exactly one SIGTERM. django-q2's master stops its
workers itself; a signal to the whole group at once (or a second one) makes its
shutdown hang and can leave the master behind. Whatever still runs in a child's
group after the wait is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

STOP_TIMEOUT_SECONDS = 30


class Command(BaseCommand):
    help = "작업 큐(qcluster)와 웹 서버를 함께 실행합니다. Ctrl-C로 둘 다 멈춥니다."
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options) -> None:
        manage = [sys.executable, sys.argv[0]]
        children = [
            subprocess.Popen([*manage, "qcluster"], start_new_session=True),
            subprocess.Popen(
                [*manage, "runserver", addrport, "--noreload"], start_new_session=True
            ),
        ]
        stopping = False

        def request_stop(signum, frame) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
        self.stdout.write("멈추는 중입니다…")
        for child in children:
            stop_group(child)
        self.stdout.write("작업 큐와 웹 서버를 멈췄습니다.")


def stop_group(
    child: subprocess.Popen, *, timeout: float = STOP_TIMEOUT_SECONDS
) -> None:
    """SIGTERM the child once; SIGKILL whatever of its group outlives the wait."""
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    # Workers left in the group after their master exited are orphans: end them.
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()
