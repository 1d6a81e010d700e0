"""What the admin shows about data sets' records at a glance: for the data set list (annotations, a
fixed number of queries for any number of rows) and for one data set's page (a summary).

Record counts come from RecordCount, kept by storage.py on every write, never from counting rows.
"""

import datetime
from dataclasses import dataclass

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from stagecraft.apps.datasets.services import DataSet

from .freshness import Freshness, freshness_of, with_freshness
from .models import Record, RecordCount, WriteLogEntry
from .writelog import DailyWrites, latest_writes, records_written_per_day, with_last_write

# The days the data set's page charts its writes for.
CHART_DAYS = 30


def with_record_count(data_sets: QuerySet) -> QuerySet:
    """Annotates `record_count` from the kept counts (0 for a data set never written)."""
    count = RecordCount.objects.filter(data_set=OuterRef("pk")).values("count")[:1]
    return data_sets.annotate(record_count=Coalesce(Subquery(count), 0, output_field=IntegerField()))


def with_records_summary(data_sets: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    """The data set list's columns: `last_updated` and `freshness` (the one rule), `record_count`,
    and the last write (`last_write_at`, `last_write_kind`, `last_write_count`)."""
    return with_last_write(with_record_count(with_freshness(data_sets, now)))


@dataclass(frozen=True)
class RecordsSummary:
    """One data set's records, as the top of its admin page shows them."""

    freshness: Freshness
    newest_timestamp: datetime.datetime | None
    record_count: int
    last_write: WriteLogEntry | None
    per_day: list[DailyWrites]
    now: datetime.datetime

    @property
    def stale_since(self) -> datetime.datetime | None:
        if self.freshness.last_updated is None or self.freshness.max_age_expected is None:
            return None
        return self.freshness.last_updated + datetime.timedelta(seconds=self.freshness.max_age_expected)


def records_summary(data_set: DataSet, now: datetime.datetime | None = None) -> RecordsSummary:
    """Five small queries, whatever the number of records."""
    now = now or timezone.now()
    newest = (
        Record.objects.filter(data_set=data_set, timestamp__isnull=False)
        .order_by("-timestamp")
        .values_list("timestamp", flat=True)
        .first()
    )
    count = RecordCount.objects.filter(data_set=data_set).values_list("count", flat=True).first() or 0
    last = latest_writes(data_set, 1)
    return RecordsSummary(
        freshness=freshness_of(data_set, now),
        newest_timestamp=newest,
        record_count=count,
        last_write=last[0] if last else None,
        per_day=records_written_per_day(data_set, CHART_DAYS, now),
        now=now,
    )
