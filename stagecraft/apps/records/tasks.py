"""The records app's scheduled tasks (run by run_periodic_schedule, registered by RecordsConfig.ready())."""

import logging
from datetime import timedelta

from stockandflow.scheduler import LATEST, Period, schedule

from .trash import purge_expired
from .writelog import prune_write_log

logger = logging.getLogger("stagecraft.records")


def purge_trash_task(period: Period) -> None:
    purged = purge_expired(period.end)
    if purged:
        logger.info("TRASH: purged records kept past the retention period, count=%d", purged)


def prune_write_log_task(period: Period) -> None:
    prune_write_log(period.end)


def register_all() -> None:
    schedule.register("records.purge-trash", timedelta(hours=1), purge_trash_task, LATEST)
    schedule.register("records.prune-write-log", timedelta(days=1), prune_write_log_task, LATEST)
