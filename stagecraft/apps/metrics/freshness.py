"""Whether each data set is fresh, stale or never written, from its newest record's timestamp.

A data set is never written while it has no record with a timestamp; stale when its newest timestamp
is older than `max_age_expected` seconds; fresh otherwise (an empty max_age_expected means it is never
stale). Computed in SQL, so stocks can filter and group on it.
"""

from datetime import datetime

from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    Func,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.records.models import Record

from .models import FRESH, NEVER, STALE


class SecondsToDuration(Func):
    """An integer number of seconds as an SQL interval (PostgreSQL) or Django's microseconds (others)."""

    output_field = DurationField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} * 1000000)", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} * INTERVAL '1 second')", params


def with_freshness(queryset: QuerySet, now: datetime | None = None) -> QuerySet:
    """Annotates `freshness` with one correlated subquery per data set: its newest record (found
    through the (data_set, timestamp) index) compared with now - max_age_expected; no record gives
    NULL and so "never". A NULL max_age_expected makes the comparison NULL, which reads as fresh."""
    now = now or timezone.now()
    oldest_fresh = ExpressionWrapper(
        Value(now, output_field=DateTimeField()) - SecondsToDuration(OuterRef("max_age_expected")),
        output_field=DateTimeField(),
    )
    newest_state = (
        Record.objects.filter(data_set=OuterRef("pk"), timestamp__isnull=False)
        .order_by("-timestamp")
        .annotate(
            state=Case(When(timestamp__lt=oldest_fresh, then=Value(STALE)), default=Value(FRESH)),
        )
        .values("state")[:1]
    )
    return queryset.annotate(
        freshness=Coalesce(
            Subquery(newest_state, output_field=CharField()), Value(NEVER), output_field=CharField()
        )
    )


def data_sets_with_freshness() -> QuerySet:
    """The base queryset of every data set health stock (re-evaluated, with the current time)."""
    return with_freshness(DataSet.objects.all())
