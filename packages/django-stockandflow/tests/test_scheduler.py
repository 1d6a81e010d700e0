import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from stockandflow.models import ScheduledRun
from stockandflow.scheduler import EACH, LATEST, Period, PeriodicSchedule

DAY = timedelta(days=1)
T = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # pinned clock: a Tuesday, midday
MIDNIGHT = datetime(2026, 3, 10, tzinfo=UTC)


def make_schedule(catch_up=EACH, period=DAY, func=None):
    calls: list[Period] = []
    schedule = PeriodicSchedule()
    schedule.register("count", period, func or calls.append, catch_up)
    return schedule, calls


@pytest.mark.django_db
def test_it_runs_the_last_ended_period_the_first_time():
    schedule, calls = make_schedule()
    report = schedule.run_due(now=T)
    assert calls == [Period(MIDNIGHT - DAY, MIDNIGHT)]
    assert report.ran == [("count", Period(MIDNIGHT - DAY, MIDNIGHT))]
    assert list(ScheduledRun.objects.values_list("task", "period_start")) == [("count", MIDNIGHT - DAY)]


@pytest.mark.django_db
def test_it_never_runs_the_same_period_twice():
    schedule, calls = make_schedule()
    schedule.run_due(now=T)
    report = schedule.run_due(now=T + timedelta(hours=6))
    assert len(calls) == 1
    assert report.ran == []
    assert ScheduledRun.objects.count() == 1


@pytest.mark.django_db
def test_it_catches_up_every_missed_period_in_order():
    schedule, calls = make_schedule(EACH)
    schedule.run_due(now=T)
    schedule.run_due(now=T + 3 * DAY)
    assert [p.start for p in calls] == [MIDNIGHT - DAY, MIDNIGHT, MIDNIGHT + DAY, MIDNIGHT + 2 * DAY]


@pytest.mark.django_db
def test_a_latest_task_catches_up_with_only_the_newest_period():
    schedule, calls = make_schedule(LATEST)
    schedule.run_due(now=T)
    schedule.run_due(now=T + 3 * DAY)
    assert [p.start for p in calls] == [MIDNIGHT - DAY, MIDNIGHT + 2 * DAY]


@pytest.mark.django_db
def test_short_periods_are_aligned_to_the_clock():
    schedule, calls = make_schedule(LATEST, period=timedelta(minutes=10))
    schedule.run_due(now=T + timedelta(minutes=17))
    assert calls == [Period(T, T + timedelta(minutes=10))]


@pytest.mark.django_db
def test_a_failed_run_leaves_no_claim_and_is_retried():
    attempts = []

    def flaky(period):
        attempts.append(period)
        ScheduledRun.objects.create(task="side-effect", period_start=T, period_end=T)
        if len(attempts) == 1:
            raise RuntimeError("database of the collector is down")

    schedule, _ = make_schedule(func=flaky)
    report = schedule.run_due(now=T)
    assert report.failed == [
        ("count", Period(MIDNIGHT - DAY, MIDNIGHT), "RuntimeError: database of the collector is down")
    ]
    assert not ScheduledRun.objects.exists()  # the claim and the task's writes were rolled back
    assert schedule.run_due(now=T).ran == [("count", Period(MIDNIGHT - DAY, MIDNIGHT))]
    assert len(attempts) == 2


@pytest.mark.django_db
def test_a_period_claimed_by_another_machine_is_skipped():
    schedule, calls = make_schedule()
    due = schedule.due(now=T)
    # Another machine claims the period between our look at what is due and our run.
    ScheduledRun.objects.create(task="count", period_start=MIDNIGHT - DAY, period_end=MIDNIGHT)
    schedule.due = lambda now=None: due
    report = schedule.run_due(now=T)
    assert report.skipped == [("count", Period(MIDNIGHT - DAY, MIDNIGHT))]
    assert report.ran == []
    assert calls == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_on_several_connections_run_each_period_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that serves concurrent writers (PostgreSQL)")
    calls = []

    def slow(period):
        calls.append(period)
        time.sleep(0.3)  # hold the claim while the other runner tries the same period

    schedule, _ = make_schedule(EACH, func=slow)
    barrier = threading.Barrier(3)
    reports = []

    def runner():
        try:
            barrier.wait()
            reports.append(schedule.run_due(now=T + 2 * DAY))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(p.start for p in calls) == [MIDNIGHT + DAY]
    assert sum(len(r.ran) for r in reports) == 1
    assert sum(len(r.skipped) for r in reports) + sum(1 for r in reports if not r.ran and not r.skipped) == 2
    assert ScheduledRun.objects.count() == 1


def test_it_refuses_a_bad_registration():
    schedule = PeriodicSchedule()
    with pytest.raises(ValueError, match="must be positive"):
        schedule.register("x", timedelta(0), print)
    with pytest.raises(ValueError, match="catch_up"):
        schedule.register("x", DAY, print, catch_up="sometimes")


@pytest.mark.django_db
def test_the_command_runs_the_global_schedule_and_prints_a_summary(monkeypatch, capsys, time_machine):
    from stockandflow import scheduler

    schedule, calls = make_schedule()
    monkeypatch.setattr(scheduler, "schedule", schedule)
    monkeypatch.setattr("stockandflow.management.commands.run_periodic_schedule.schedule", schedule)
    time_machine.move_to(T, tick=False)
    call_command("run_periodic_schedule", "--dry-run")
    assert "1 due, 0 skipped, 0 failed" in capsys.readouterr().out
    assert calls == []
    assert not ScheduledRun.objects.exists()
    call_command("run_periodic_schedule")
    assert "ran count for 2026-03-09 00:00 to 2026-03-10 00:00" in capsys.readouterr().out
    assert len(calls) == 1


@pytest.mark.django_db
def test_the_command_fails_naming_the_failed_task(monkeypatch, capsys, time_machine):
    def broken(period):
        raise ValueError("no such stock")

    schedule, _ = make_schedule(func=broken)
    monkeypatch.setattr("stockandflow.management.commands.run_periodic_schedule.schedule", schedule)
    time_machine.move_to(T, tick=False)
    with pytest.raises(CommandError, match=r"count \(2026-03-09 00:00\): ValueError: no such stock"):
        call_command("run_periodic_schedule")
    assert not ScheduledRun.objects.exists()
