"""django-q2 schedules PRISM needs, registered idempotently after every migrate.

``ensure_schedules()`` runs on ``post_migrate`` (see ``apps.py``) and may run any
number of times: each schedule is found by its name and updated, never duplicated.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from prism.conf import prism_settings

logger = logging.getLogger(__name__)

DAILY_GENERATION = "PRISM: 매일 브리핑 초안 생성"
DAILY_GENERATION_FUNC = "prism.tasks.generate_briefings"


def generation_time() -> dt.time:
    """``PRISM["GENERATION_TIME"]`` ("HH:MM", local time) as a time."""
    hour, minute = (int(p) for p in str(prism_settings.GENERATION_TIME).split(":"))
    return dt.time(hour, minute)


def next_generation_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next moment the daily generation is due (local time zone)."""
    now = timezone.localtime(now or timezone.now())
    due = dt.datetime.combine(now.date(), generation_time(), tzinfo=now.tzinfo)
    return due if due > now else due + dt.timedelta(days=1)


def ensure_schedule(
    *,
    name: str,
    func: str,
    schedule_type: str,
    next_run: dt.datetime,
    using: str = DEFAULT_DB_ALIAS,
    keep_next_run=None,
    **fields,
):
    """Create or update the one schedule called ``name``; drop duplicates of it.

    ``keep_next_run(schedule)`` says whether an existing schedule's next run still
    fits (so a restart does not move it); by default it is kept when in the future.
    """
    from django_q.models import Schedule

    found = list(Schedule.objects.using(using).filter(name=name).order_by("pk"))
    schedule = found[0] if found else Schedule(name=name)
    for duplicate in found[1:]:
        duplicate.delete()
    schedule.func = func
    schedule.schedule_type = schedule_type
    schedule.repeats = -1
    for field, value in fields.items():
        setattr(schedule, field, value)
    keep = keep_next_run or (lambda s: s.next_run and s.next_run > timezone.now())
    if schedule.pk is None or not keep(schedule):
        schedule.next_run = next_run
    schedule.save(using=using)
    return schedule


def ensure_daily_generation(*, using: str = DEFAULT_DB_ALIAS):
    """The daily run that generates every active reader type's draft."""
    from django_q.models import Schedule

    def keep(schedule) -> bool:
        # Keep the pending run unless GENERATION_TIME changed since it was set.
        if not schedule.next_run or schedule.next_run <= timezone.now():
            return False
        local = timezone.localtime(schedule.next_run)
        return local.time().replace(second=0, microsecond=0) == generation_time()

    return ensure_schedule(
        name=DAILY_GENERATION,
        func=DAILY_GENERATION_FUNC,
        schedule_type=Schedule.DAILY,
        next_run=next_generation_run(),
        using=using,
        keep_next_run=keep,
        args="()",
        kwargs="{}",
    )


def ensure_schedules(*, using: str = DEFAULT_DB_ALIAS) -> list:
    """Register (or update) every PRISM schedule; safe to call repeatedly."""
    return [
        ensure_daily_generation(using=using),
        ensure_publish_scheduled(using=using),
        ensure_generation_recovery(using=using),
    ]


def ensure_schedules_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs):
    """``post_migrate`` receiver: register schedules once django-q2's tables exist."""
    from django_q.models import Schedule

    if Schedule._meta.db_table not in connections[using].introspection.table_names():
        return
    ensure_schedules(using=using)


PUBLISH_SCHEDULED = "PRISM: 예약 브리핑 발행"
PUBLISH_SCHEDULED_FUNC = "prism.tasks.publish_scheduled_briefings"
GENERATION_RECOVERY = "PRISM: 멈춘 생성 작업 복구"
GENERATION_RECOVERY_FUNC = "prism.tasks.recover_generation_runs"


def ensure_every(name: str, func: str, minutes: int, *, using: str):
    """A schedule that runs ``func`` every ``minutes`` minutes, starting now."""
    from django_q.models import Schedule

    return ensure_schedule(
        name=name,
        func=func,
        schedule_type=Schedule.MINUTES,
        minutes=minutes,
        next_run=timezone.now(),
        using=using,
        args="()",
        kwargs="{}",
    )


def ensure_publish_scheduled(*, using: str = DEFAULT_DB_ALIAS):
    """Every minute: publish the scheduled briefings that are due (idempotent)."""
    return ensure_every(PUBLISH_SCHEDULED, PUBLISH_SCHEDULED_FUNC, 1, using=using)


def ensure_generation_recovery(*, using: str = DEFAULT_DB_ALIAS):
    """Every five minutes: retry or fail generation work whose task was lost."""
    return ensure_every(GENERATION_RECOVERY, GENERATION_RECOVERY_FUNC, 5, using=using)
