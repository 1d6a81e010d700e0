"""The start of the hour, day, week, month, quarter or year holding a UTC datetime: the one period
arithmetic, used by the pipeline's `_*_start_at` fields and by the read API's period buckets.

Weeks start on Monday (ISO), quarters on 1 January, April, July and October.
"""

import datetime

PERIOD_NAMES = ["hour", "day", "week", "month", "quarter", "year"]


def period_start(name: str, moment: datetime.datetime) -> datetime.datetime:
    """The start of the period called `name` (one of PERIOD_NAMES) that contains `moment`."""
    if name == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if name == "day":
        return day
    if name == "week":
        return day - datetime.timedelta(days=day.weekday())
    if name == "month":
        return day.replace(day=1)
    if name == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if name == "year":
        return day.replace(month=1, day=1)
    raise ValueError(f"{name!r} is not a period; choose one of {', '.join(PERIOD_NAMES)}")
