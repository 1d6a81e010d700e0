"""The periodic scheduler: registered callables, each run once per period of its own length.

Cron (or a loop) calls `manage.py run_periodic_schedule` at least as often as the shortest period.
Periods are aligned to a fixed epoch (a Monday, 00:00 UTC), so daily periods start at midnight UTC and
weekly ones on Mondays. A task runs for a period once the period has ended. Each run is claimed by a
unique ScheduledRun row inserted in the same transaction as the task's work: a period is run at most
once, even by several machines at the same time, and a failed run leaves no claim and is retried.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from .models import ScheduledRun

logger = logging.getLogger(__name__)

EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # a Monday
EACH = "each"  # catch up by running every missed period (flow records: each period counts)
LATEST = "latest"  # catch up by running the newest ended period only (a stock count is of now)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime


@dataclass
class Task:
    name: str
    period: timedelta
    func: Callable[[Period], object]
    catch_up: str = LATEST
    max_catch_up: int = 366


@dataclass
class RunReport:
    ran: list[tuple[str, Period]] = field(default_factory=list)
    skipped: list[tuple[str, Period]] = field(default_factory=list)  # claimed by another run
    failed: list[tuple[str, Period, str]] = field(default_factory=list)


class _AlreadyClaimed(Exception):
    pass


def last_ended_period(period: timedelta, now: datetime) -> Period:
    end = EPOCH + ((now - EPOCH) // period) * period
    return Period(end - period, end)


class PeriodicSchedule:
    def __init__(self) -> None:
        self.tasks: dict[str, Task] = {}

    def register(
        self,
        name: str,
        period: timedelta,
        func: Callable[[Period], object],
        catch_up: str = LATEST,
        max_catch_up: int = 366,
    ) -> Task:
        if period <= timedelta(0):
            raise ValueError(f"The period of task {name!r} must be positive, not {period}.")
        if catch_up not in (EACH, LATEST):
            raise ValueError(f"catch_up must be {EACH!r} or {LATEST!r}, not {catch_up!r}.")
        existing = self.tasks.get(name)
        if existing is not None and existing.func is not func:
            raise ValueError(f"A different task named {name!r} is already scheduled.")
        self.tasks[name] = Task(name, period, func, catch_up, max_catch_up)
        return self.tasks[name]

    def due(self, now: datetime | None = None) -> list[tuple[Task, Period]]:
        """The (task, period) pairs to run now, oldest first within each task."""
        now = now or timezone.now()
        last_runs = _last_period_ends(list(self.tasks))
        due = []
        for task in self.tasks.values():
            latest = last_ended_period(task.period, now)
            last_end = last_runs.get(task.name)
            if last_end is not None and last_end >= latest.end:
                continue
            if last_end is None or task.catch_up == LATEST:
                due.append((task, latest))
                continue
            missed = (latest.end - last_end) // task.period
            count = min(missed, task.max_catch_up)
            for i in range(count, 0, -1):
                end = latest.end - (i - 1) * task.period
                due.append((task, Period(end - task.period, end)))
        return due

    def run_due(self, now: datetime | None = None, dry_run: bool = False) -> RunReport:
        report = RunReport()
        failed_tasks = set()
        for task, period in self.due(now):
            if task.name in failed_tasks:
                continue
            if dry_run:
                report.ran.append((task.name, period))
                continue
            try:
                self.run_one(task, period)
            except _AlreadyClaimed:
                report.skipped.append((task.name, period))
            except Exception as error:  # one broken task must not stop the others
                logger.exception("Scheduled task %s failed for the period from %s", task.name, period.start)
                report.failed.append((task.name, period, f"{type(error).__name__}: {error}"))
                failed_tasks.add(task.name)
            else:
                report.ran.append((task.name, period))
        return report

    def run_one(self, task: Task, period: Period) -> None:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ScheduledRun.objects.create(
                        task=task.name, period_start=period.start, period_end=period.end
                    )
            except IntegrityError:
                raise _AlreadyClaimed from None
            task.func(period)


def _last_period_ends(names: list[str]) -> dict[str, datetime]:
    rows = ScheduledRun.objects.filter(task__in=names).values("task").annotate(last=Max("period_end"))
    return {row["task"]: row["last"] for row in rows.order_by()}


schedule = PeriodicSchedule()
