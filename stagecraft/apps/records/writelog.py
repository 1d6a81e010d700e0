"""The write log: one row per write request to a data set's records (docs/records.md, "The write log").

Every write path calls record_write() once, in the transaction of the write itself: the write API's
POST, PUT [] (empty), PATCH and DELETE of one record, the data store's DELETE /data-sets/<name>, and
the admin's upload and "empty this data set". A row says which data set, what kind of write, how many
records, which client (the data set's token, the collection endpoint's token, an admin user) from
which address, and when. Rows older than settings.STAGECRAFT_WRITE_LOG_DAYS are pruned by a daily
scheduled task (prune_write_log, registered by RecordsConfig.ready()).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from stagecraft.apps.datasets.services import DataSet

from .models import WriteLogEntry

STORED, PATCHED, DELETED, EMPTIED = (
    WriteLogEntry.STORED,
    WriteLogEntry.PATCHED,
    WriteLogEntry.DELETED,
    WriteLogEntry.EMPTIED,
)
# Who wrote, as the write log names them.
DATA_SET_TOKEN = "data set token"
COLLECTION_TOKEN = "collection endpoint token"


def admin_user(user: AbstractBaseUser | AnonymousUser) -> str:
    return f"admin user {user.get_username()}"


def record_write(
    data_set: DataSet,
    kind: str,
    count: int,
    client: str,
    address: str = "",
    at: datetime.datetime | None = None,
) -> WriteLogEntry:
    """Log one write request; call it inside the write's transaction so both happen or neither."""
    return WriteLogEntry.objects.create(
        data_set=data_set,
        kind=kind,
        count=count,
        client=client[:200],
        address=address[:100],
        at=at or timezone.now(),
    )


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.STAGECRAFT_WRITE_LOG_DAYS)


def prune_write_log(now: datetime.datetime | None = None) -> int:
    """Delete the rows older than the retention, in one statement; returns how many went."""
    cutoff = (now or timezone.now()) - retention()
    deleted, _ = WriteLogEntry.objects.filter(at__lt=cutoff).delete()
    return deleted


# -- reading it --------------------------------------------------------------------------------


def latest_writes(data_set: DataSet, limit: int) -> list[WriteLogEntry]:
    """The data set's newest write requests, newest first (one query, along the (data_set, at) index)."""
    return list(WriteLogEntry.objects.filter(data_set=data_set).order_by("-at", "-id")[:limit])


def with_last_write(data_sets: QuerySet) -> QuerySet:
    """Annotates `last_write_at`, `last_write_kind` and `last_write_count`: the data set's newest write
    request (None when the log has none). Correlated subqueries: evaluated for the rows fetched only."""
    newest = WriteLogEntry.objects.filter(data_set=OuterRef("pk")).order_by("-at", "-id")
    return data_sets.annotate(
        last_write_at=Subquery(newest.values("at")[:1]),
        last_write_kind=Subquery(newest.values("kind")[:1]),
        last_write_count=Subquery(newest.values("count")[:1]),
    )


@dataclass(frozen=True)
class DailyWrites:
    day: datetime.date
    records: int  # stored or patched
    requests: int


def records_written_per_day(
    data_set: DataSet, days: int, now: datetime.datetime | None = None
) -> list[DailyWrites]:
    """Records stored or patched on each of the last `days` days (UTC), today included, oldest first;
    days without a write count 0. One query."""
    today = (now or timezone.now()).astimezone(datetime.UTC).date()
    first = today - datetime.timedelta(days=days - 1)
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=datetime.UTC)
    rows = (
        WriteLogEntry.objects.filter(data_set=data_set, kind__in=[STORED, PATCHED], at__gte=start)
        .annotate(day=TruncDate("at", tzinfo=datetime.UTC))
        .values("day")
        .order_by("day")
        .annotate(records=Sum("count"), requests=Count("id"))
        .values_list("day", "records", "requests")
    )
    by_day = {day: (records, requests) for day, records, requests in rows}
    return [
        DailyWrites(day, *by_day.get(day, (0, 0)))
        for day in (first + datetime.timedelta(days=n) for n in range(days))
    ]
