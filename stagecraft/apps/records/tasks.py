"""The records' scheduled task (run by run_periodic_schedule, registered from RecordsConfig.ready())."""

import logging
from datetime import timedelta

from stockandflow.scheduler import LATEST, Period, schedule

from .trash import purge_expired

logger = logging.getLogger("stagecraft.records")


def purge_trash_task(period: Period) -> None:
    purged = purge_expired(period.end)
    if purged:
        logger.info("TRASH: purged records kept past the retention period, count=%d", purged)


def register_all() -> None:
    schedule.register("records.purge-trash", timedelta(hours=1), purge_trash_task, LATEST)
