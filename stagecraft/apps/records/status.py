"""How fresh each data set's records are: the newest record time against `max_age_expected`.

A record's time is its `_timestamp`, or, for a record without one, when it was written: as the
original's PostgreSQL store, whose timestamp column falls back to `_updated_at` (backdrop-api.md §3,
and its status feature, which checks a data set holding only "a record updated 10 seconds ago").
"""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from stagecraft.apps.datasets.models import DataSet

from .models import Record
from .pipeline import isoformat


def newest_timestamp_subquery() -> Subquery:
    """The data set's largest `_timestamp`, read backwards from the (data_set, timestamp) index."""
    return Subquery(
        Record.objects.filter(data_set=OuterRef("pk"), timestamp__isnull=False)
        .order_by("-timestamp")
        .values("timestamp")[:1]
    )


def newest_untimed_write_subquery() -> Subquery:
    """When the data set's newest record without a `_timestamp` was written (null when none)."""
    return Subquery(
        Record.objects.filter(data_set=OuterRef("pk"), timestamp__isnull=True)
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )


def with_last_updated(data_sets: QuerySet) -> QuerySet:
    timed, untimed = newest_timestamp_subquery(), newest_untimed_write_subquery()
    # The later of the two; Coalesce first, because SQLite's GREATEST of a NULL is NULL.
    return data_sets.annotate(last_updated=Greatest(Coalesce(timed, untimed), Coalesce(untimed, timed)))


def seconds_out_of_date(
    last_updated: datetime.datetime | None, max_age_expected: int | None, now: datetime.datetime
) -> int | None:
    """Seconds past the allowed age (>= 0 means stale); None when never written or not monitored."""
    if last_updated is None or max_age_expected is None:
        return None
    return int((now - last_updated - datetime.timedelta(seconds=max_age_expected)).total_seconds())


def stale_data_sets() -> list[dict]:
    """Every out-of-date data set, in the reference's shape, from one query over all data sets."""
    now = timezone.now()
    rows = (
        with_last_updated(DataSet.objects.filter(max_age_expected__isnull=False))
        .order_by("name")
        .values_list("name", "max_age_expected", "last_updated")
    )
    failing = []
    for name, max_age_expected, last_updated in rows:
        seconds = seconds_out_of_date(last_updated, max_age_expected, now)
        if seconds is not None and seconds >= 0:
            failing.append(
                {
                    "name": name,
                    "seconds-out-of-date": seconds,
                    "last-updated": isoformat(last_updated),
                    "max-age-expected": max_age_expected,
                }
            )
    return failing
