"""Whether a data set's records are fresh, stale or never written: the one rule, used by
/_status/data-sets, the data set's admin page and the health stocks of the metrics app.

A record's time is its `_timestamp`, or, for a record without one, when it was written: as the
original's PostgreSQL store, whose timestamp column falls back to `_updated_at` (backdrop-api.md §3,
and its status feature, which checks a data set holding only "a record updated 10 seconds ago").
A data set's *last update* is the newest of its records' times. The data set is

- never written while it has no record;
- stale when it is monitored (`max_age_expected` is set) and its last update is at least
  `max_age_expected` seconds old, exactly that age included (as /_status/data-sets always said);
- fresh otherwise, including every data set that is not monitored.

Computed in SQL, so one query annotates any number of data sets and stocks can filter on it.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from stagecraft.apps.datasets.services import DataSet

from .documents import isoformat
from .models import Record
from .query.sql import Sql

FRESH, STALE, NEVER = "fresh", "stale", "never"
FRESHNESS_CHOICES = [(FRESH, "Fresh"), (STALE, "Stale"), (NEVER, "Never written")]


class _LaterOf(Func):
    """The later of two datetimes, either of which may be NULL (NULL only when both are)."""

    output_field = DateTimeField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> Sql:
        # PostgreSQL's GREATEST ignores NULLs.
        return self.as_sql(compiler, connection, function="GREATEST", **extra_context)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any) -> Sql:
        # SQLite's scalar MAX() is NULL when any argument is: coalesce each with the other.
        first, second = self.source_expressions
        return compiler.compile(Func(Coalesce(first, second), Coalesce(second, first), function="MAX"))


class _SecondsToDuration(Func):
    """An integer number of seconds as an SQL interval (PostgreSQL) or Django's microseconds (others)."""

    output_field = DurationField()
    template = "(%(expressions)s * 1000000)"

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> Sql:
        return self.as_sql(compiler, connection, template="(%(expressions)s * INTERVAL '1 second')")


def _newest(timed: bool, only: int | None = None) -> Subquery:
    """The data set's newest `_timestamp` (read backwards from the (data_set, timestamp) index), or
    when its newest record without one was written. `only`: the one data set's id, as a constant,
    so that PostgreSQL plans for its partition alone rather than for every partition."""
    column = "timestamp" if timed else "updated_at"
    data_set = Q(data_set=OuterRef("pk")) if only is None else Q(data_set_id=only)
    records = Record.objects.filter(data_set, timestamp__isnull=not timed)
    return Subquery(records.order_by(f"-{column}").values(column)[:1], output_field=DateTimeField())


def with_last_updated(data_sets: QuerySet, only: int | None = None) -> QuerySet:
    """Annotates `last_updated`, the data set's last update (NULL when it has no record). `only`:
    the id of the one data set `data_sets` holds, when it holds one."""
    newest = _LaterOf(_newest(timed=True, only=only), _newest(timed=False, only=only))
    return data_sets.annotate(last_updated=newest)


def with_freshness(
    data_sets: QuerySet, now: datetime.datetime | None = None, only: int | None = None
) -> QuerySet:
    """Annotates `last_updated` and `freshness` (FRESH, STALE or NEVER) as of `now`; `only` as for
    with_last_updated()."""
    now = now or timezone.now()
    oldest_fresh = ExpressionWrapper(
        Value(now, output_field=DateTimeField()) - _SecondsToDuration(F("max_age_expected")),
        output_field=DateTimeField(),
    )
    return with_last_updated(data_sets, only).annotate(
        freshness=Case(
            When(last_updated__isnull=True, then=Value(NEVER)),
            When(Q(max_age_expected__isnull=False, last_updated__lte=oldest_fresh), then=Value(STALE)),
            default=Value(FRESH),
            output_field=CharField(),
        )
    )


def with_stale_since(data_sets: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    """with_freshness(), and `stale_since`: when the data set went (or will go) stale, its last update
    plus its max age (NULL when never written or not monitored)."""
    return with_freshness(data_sets, now).annotate(
        stale_since=ExpressionWrapper(
            F("last_updated") + _SecondsToDuration(F("max_age_expected")), output_field=DateTimeField()
        )
    )


def seconds_out_of_date(
    last_updated: datetime.datetime | None, max_age_expected: int | None, now: datetime.datetime
) -> int | None:
    """Whole seconds past the allowed age (>= 0 when stale); None when never written or not monitored."""
    if last_updated is None or max_age_expected is None:
        return None
    return int((now - last_updated).total_seconds()) - max_age_expected


@dataclass(frozen=True)
class Freshness:
    """One data set's freshness, as its admin page shows it."""

    state: str
    last_updated: datetime.datetime | None
    max_age_expected: int | None
    seconds_out_of_date: int | None

    @property
    def monitored(self) -> bool:
        return self.max_age_expected is not None


def freshness_of(data_set: DataSet, now: datetime.datetime | None = None) -> Freshness:
    """The data set's freshness, in one query."""
    now = now or timezone.now()
    state, last_updated = (
        with_freshness(DataSet.objects.filter(pk=data_set.pk), now, only=data_set.pk)
        .values_list("freshness", "last_updated")
        .get()
    )
    seconds = seconds_out_of_date(last_updated, data_set.max_age_expected, now)
    return Freshness(state, last_updated, data_set.max_age_expected, seconds)


def stale_data_sets(now: datetime.datetime | None = None) -> list[dict]:
    """Every stale data set in /_status/data-sets's shape, from one query over all data sets."""
    now = now or timezone.now()
    rows = (
        with_freshness(DataSet.objects.all(), now)
        .filter(freshness=STALE)
        .order_by("name")
        .values_list("name", "max_age_expected", "last_updated")
    )
    return [
        {
            "name": name,
            "seconds-out-of-date": seconds_out_of_date(last_updated, max_age_expected, now),
            "last-updated": isoformat(last_updated),
            "max-age-expected": max_age_expected,
        }
        for name, max_age_expected, last_updated in rows
    ]
