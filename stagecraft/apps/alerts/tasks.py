"""The alerts' scheduled tasks (run by run_periodic_schedule, from AlertsConfig.ready())."""

from datetime import timedelta

from django.db import transaction

from stockandflow.scheduler import LATEST, Period, schedule

from .announce import release_held, write_daily_digest
from .delivery import deliver_due


def deliver_task(period: Period) -> None:
    # The scheduler runs a task inside its transaction: release held alerts there, and send once it
    # has committed, so nothing is sent for work that is rolled back (robust: a failure is logged).
    release_held(period.end)
    transaction.on_commit(deliver_due, robust=True)


def daily_digest_task(period: Period) -> None:
    write_daily_digest(period.end)


def register_all() -> None:
    schedule.register("alerts.deliver", timedelta(minutes=1), deliver_task, LATEST)
    schedule.register("alerts.daily-digest", timedelta(days=1), daily_digest_task, LATEST)
