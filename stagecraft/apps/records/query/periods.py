"""Time periods for bucketed queries: truncation, length and boundaries, all in UTC.

The database truncates stored timestamps (`Trunc` with the same kind); `Period.start` does the same
for the query's own bounds (with stagecraft.apps.records.periods, the one period arithmetic), so
empty buckets can be filled between them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from ..periods import PERIOD_NAMES, period_start


@dataclass(frozen=True)
class Period:
    name: str
    delta: timedelta | relativedelta

    def start(self, moment: datetime) -> datetime:
        """The start of the period that contains `moment`."""
        return period_start(self.name, moment)

    def is_boundary(self, moment: datetime) -> bool:
        return self.start(moment) == moment

    def end(self, moment: datetime) -> datetime:
        """`moment` itself when it is a boundary, else the start of the next period."""
        if self.is_boundary(moment):
            return moment
        return self.start(moment) + self.delta

    def count(self, start_at: datetime, end_at: datetime) -> int:
        """How many buckets buckets(start_at, end_at) gives, without listing them. Raises
        OverflowError when the last bucket would end after the year 9999."""
        first, last = self.start(start_at), self.safe_end(end_at)
        if last <= first:
            return 0
        if isinstance(self.delta, timedelta):
            return -(-(last - first) // self.delta)
        months = (last.year - first.year) * 12 + last.month - first.month
        step = self.delta.months + 12 * self.delta.years
        return -(-months // step)

    def safe_end(self, moment: datetime) -> datetime:
        """end(), with an OverflowError (never a ValueError) past the year 9999."""
        try:
            return self.end(moment)
        except (OverflowError, ValueError):
            raise OverflowError(f"the {self.name} holding {moment} ends after the year 9999") from None

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

__all__ = ["PERIODS", "PERIOD_NAMES", "Period"]
