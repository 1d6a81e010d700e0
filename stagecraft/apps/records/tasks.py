"""The records app's scheduled task (run by run_periodic_schedule, registered by RecordsConfig.ready())."""

from datetime import timedelta

from stockandflow.scheduler import LATEST, Period, schedule

from .writelog import prune_write_log


def prune_write_log_task(period: Period) -> None:
    prune_write_log(period.end)


def register_all() -> None:
    schedule.register("records.prune-write-log", timedelta(days=1), prune_write_log_task, LATEST)
