"""Time periods for bucketed queries: truncation, length and boundaries, all in UTC.

Weeks start on Monday (ISO), quarters on 1 January, April, July and October. The database does the
truncation of stored timestamps (`Trunc` with the same kind); these helpers do the same for the
query's own bounds, so empty buckets can be filled between them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class Period:
    name: str
    delta: timedelta | relativedelta

    def start(self, moment: datetime) -> datetime:
        """The start of the period that contains `moment`."""
        if self.name == "hour":
            return moment.replace(minute=0, second=0, microsecond=0)
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.name == "day":
            return day
        if self.name == "week":
            return day - timedelta(days=day.weekday())
        if self.name == "month":
            return day.replace(day=1)
        if self.name == "quarter":
            return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        return day.replace(month=1, day=1)

    def is_boundary(self, moment: datetime) -> bool:
        return self.start(moment) == moment

    def end(self, moment: datetime) -> datetime:
        """`moment` itself when it is a boundary, else the start of the next period."""
        if self.is_boundary(moment):
            return moment
        return self.start(moment) + self.delta

    def buckets(self, start_at: datetime, end_at: datetime) -> list[datetime]:
        """Bucket starts covering [start(start_at), end(end_at))."""
        starts = []
        current, last = self.start(start_at), self.end(end_at)
        # Months, quarters and years vary in length: step from the first start, never accumulate.
        step = 0
        while current < last:
            starts.append(current)
            step += 1
            current = self.start(start_at) + self.delta * step
        return starts


PERIODS: dict[str, Period] = {
    "hour": Period("hour", timedelta(hours=1)),
    "day": Period("day", timedelta(days=1)),
    "week": Period("week", timedelta(days=7)),
    "month": Period("month", relativedelta(months=1)),
    "quarter": Period("quarter", relativedelta(months=3)),
    "year": Period("year", relativedelta(years=1)),
}
PERIOD_NAMES = list(PERIODS)
