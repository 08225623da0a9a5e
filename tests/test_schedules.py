"""The django-q2 schedules PRISM registers (prism.schedules): each once, kept on a
restart, moved when its setting changes."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.models import Schedule

from prism.schedules import (
    DAILY_GENERATION,
    GENERATION_RECOVERY,
    PUBLISH_SCHEDULED,
    ensure_schedules,
)


def test_daily_schedule_is_registered_once(db, settings):
    assert Schedule.objects.filter(name=DAILY_GENERATION).count() == 1
    ensure_schedules()
    ensure_schedules()
    call_command("migrate", verbosity=0)
    schedule = Schedule.objects.get(name=DAILY_GENERATION)
    assert schedule.func == "prism.tasks.generate_briefings"
    assert schedule.schedule_type == Schedule.DAILY and schedule.repeats == -1
    local = timezone.localtime(schedule.next_run)
    assert (local.hour, local.minute) == (6, 0)
    assert str(local.tzinfo) == "Asia/Seoul"
    assert schedule.next_run > timezone.now()
    # A restart keeps the pending run; a new GENERATION_TIME moves it.
    pending = schedule.next_run
    ensure_schedules()
    assert Schedule.objects.get(name=DAILY_GENERATION).next_run == pending
    settings.PRISM = {**settings.PRISM, "GENERATION_TIME": "05:30"}
    ensure_schedules()
    moved = timezone.localtime(Schedule.objects.get(name=DAILY_GENERATION).next_run)
    assert (moved.hour, moved.minute) == (5, 30)
    assert Schedule.objects.filter(name=DAILY_GENERATION).count() == 1


def test_duplicate_schedules_left_by_older_versions_are_merged(db):
    Schedule.objects.create(
        name=DAILY_GENERATION,
        func="prism.tasks.generate_briefings",
        schedule_type=Schedule.DAILY,
    )
    ensure_schedules()
    assert Schedule.objects.filter(name=DAILY_GENERATION).count() == 1


def test_every_minute_publish_schedule_is_registered_once(db):
    ensure_schedules()
    ensure_schedules()
    schedules = Schedule.objects.filter(name=PUBLISH_SCHEDULED)
    assert schedules.count() == 1
    schedule = schedules.get()
    assert schedule.schedule_type == Schedule.MINUTES
    assert schedule.minutes == 1
    assert schedule.repeats == -1
    assert callable(import_string(schedule.func))


def test_recovery_schedule_is_registered_once(db):
    ensure_schedules()
    ensure_schedules()
    schedule = Schedule.objects.get(name=GENERATION_RECOVERY)
    assert schedule.func == "prism.tasks.recover_generation_runs"
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes == 5
    assert schedule.repeats == -1
