"""Task functions the real-cluster tests enqueue (imported by the cluster's workers)."""

from __future__ import annotations

import os
import signal


def generate_and_die(run_id: int, reader_type_id: int) -> str:
    """Count a generation attempt like the real task, then die as if out of memory.

    SIGKILL leaves django-q2 no chance to record or acknowledge the task, exactly like
    the kernel's OOM killer: the broker delivers it again after ``retry`` seconds.
    """
    from prism.services.generation import generation_attempt_begin

    if generation_attempt_begin(run_id=run_id, reader_type_id=reader_type_id):
        os.kill(os.getpid(), signal.SIGKILL)
    return "gave up"
