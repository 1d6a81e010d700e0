"""Runs a query in the database: filters, then GROUP BY on JSON fields and the truncated timestamp.

Only aggregated rows (one per group and bucket) and, for `set`, the distinct values per group and
bucket come back to Python; records are never all loaded. A grouped query costs one query, plus one
per field collected as a set.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.db import DataError, connections, transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Trunc

from stagecraft.apps.datasets.services import DataSet

from ..models import Record
from .ceilings import MAX_BUCKETS, MAX_SET_VALUES, too_many_buckets, too_many_set_values
from .params import Query
from .sql import JsonCastNumber, JsonNotNumber, JsonNumber, JsonStartsWith, JsonValue


@dataclass
class Stat:
    """What the reducers need about one collected field in one group (or bucket)."""

    total: int | float | Decimal | None = None  # sum of the numeric values
    present: int = 0  # values present, nulls included
    not_numbers: int = 0  # present values that can't be summed
    values: list = field(default_factory=list)  # distinct values, for `set`

    def merge(self, other: "Stat") -> "Stat":
        # One query's sums are all Decimal (PostgreSQL's numeric) or all int and float (SQLite).
        totals = [total for total in (self.total, other.total) if total is not None]
        return Stat(
            sum(totals) if totals else None,
            self.present + other.present,
            self.not_numbers + other.not_numbers,
            _distinct(self.values + other.values),
        )


@dataclass
class AggregateRow:
    group: tuple  # the group_by values, as their JSON types
    bucket: datetime | None  # the period start, when there is a period
    count: int
    stats: list[Stat]  # one per Collect, in the query's order


def _distinct(values: list) -> list:
    seen, result = set(), []
    for value in values:
        marker = json.dumps(value, sort_keys=True)
        if marker not in seen:
            seen.add(marker)
            result.append(value)
    return result


def filtered_records(data_set: DataSet, query: Query) -> QuerySet:
    """The data set's records within the query's time range and filters."""
    records = Record.objects.filter(data_set=data_set)
    if query.start_at:
        records = records.filter(timestamp__gte=query.start_at)
    if query.end_at:
        lookup = "timestamp__lte" if query.inclusive else "timestamp__lt"
        records = records.filter(**{lookup: query.end_at})
    for index, (name, value) in enumerate(query.filters):
        # An alias keeps a field called e.g. "contains" from being read as a lookup.
        alias = f"filter_{index}"
        records = records.alias(**{alias: KeyTransform(name, "data")}).filter(**{alias: value})
    for name, prefix in query.prefix_filters:
        records = records.filter(JsonStartsWith(name, prefix))
    return records


def raw_documents(data_set: DataSet, query: Query) -> Iterator[dict]:
    """The stored documents, sorted and limited in the database."""
    records = filtered_records(data_set, query)
    if query.sort_by:
        name, descending = query.sort_by
        records = records.alias(sort_value=KeyTextTransform(name, "data"))
        order = "-sort_value" if descending else "sort_value"
        records = records.order_by(order, "id")
    else:
        records = records.order_by("id")
    if query.limit:
        records = records[: query.limit]
    return records.values_list("data", flat=True).iterator(chunk_size=2000)


def _grouped(data_set: DataSet, query: Query) -> tuple[QuerySet, list[str]]:
    records = filtered_records(data_set, query)
    # Records where a group field is missing or null are left out (§2.5.3): they fall into a
    # group whose value is None, dropped by aggregate_rows. Cheaper than filtering every row.
    keys: dict = {f"group_{index}": JsonValue(name) for index, name in enumerate(query.group_by)}
    if query.period:
        records = records.filter(timestamp__isnull=False)
        keys["bucket"] = Trunc("timestamp", query.period.name, tzinfo=UTC)
    return records.annotate(**keys), list(keys)


def _aggregates(query: Query, careful: bool) -> dict:
    """What to compute per group. Not `careful`: sums use PostgreSQL's numeric cast, which fails
    (DataError) unless every value is a number; careful: booleans count 0/1, others are counted."""
    aggregates: dict = {"n_records": Count("*")}
    for index, item in enumerate(query.collect):
        if item.reducer in ("sum", "mean") and careful:
            aggregates[f"total_{index}"] = Sum(JsonNumber(item.field))
            aggregates[f"bad_{index}"] = Count(JsonNotNumber(item.field))
        elif item.reducer in ("sum", "mean"):
            aggregates[f"total_{index}"] = Sum(JsonCastNumber(item.field))
        if item.reducer in ("count", "mean"):
            aggregates[f"present_{index}"] = Count(JsonValue(item.field))
    return aggregates


def _row_key(row: dict, names: list[str]) -> str:
    return json.dumps([row[name] for name in names], sort_keys=True, default=str)


def aggregate_rows(data_set: DataSet, query: Query) -> list[AggregateRow]:
    """One row per group and bucket, with `_count` and what each collect needs."""
    grouped, names = _grouped(data_set, query)
    rows = _aggregate(grouped, names, query)
    sets = {
        index: _set_values(grouped, names, item.field)
        for index, item in enumerate(query.collect)
        if item.reducer == "set"
    }
    group_names = [name for name in names if name != "bucket"]
    result = []
    for row in rows:
        if any(row[name] is None for name in group_names):
            continue
        key = _row_key(row, names)
        stats = [
            Stat(
                total=row.get(f"total_{index}"),
                present=row.get(f"present_{index}") or 0,
                not_numbers=row.get(f"bad_{index}") or 0,
                values=sets.get(index, {}).get(key, []),
            )
            for index in range(len(query.collect))
        ]
        result.append(
            AggregateRow(
                group=tuple(row[name] for name in group_names),
                bucket=row.get("bucket"),
                count=row["n_records"],
                stats=stats,
            )
        )
    return result


def _aggregate(grouped: QuerySet, names: list[str], query: Query) -> list[dict]:
    sums = any(item.reducer in ("sum", "mean") for item in query.collect)
    if sums and connections[grouped.db].vendor == "postgresql":
        try:
            with transaction.atomic(using=grouped.db):
                return _bounded(grouped.values(*names).annotate(**_aggregates(query, careful=False)))
        except DataError:
            pass  # some value is not a number: the careful query says which reducer fails
    return _bounded(grouped.values(*names).annotate(**_aggregates(query, careful=True)))


def _bounded(rows: QuerySet) -> list[dict]:
    """The aggregated rows, at most MAX_BUCKETS of them: more non-empty (group, bucket) pairs than
    that means more buckets than a query may answer, so the database stops counting there."""
    found = list(rows.order_by()[: MAX_BUCKETS + 1])
    if len(found) > MAX_BUCKETS:
        raise too_many_buckets(MAX_BUCKETS)
    return found


def _set_values(grouped: QuerySet, names: list[str], name: str) -> dict[str, list]:
    """Distinct values of `name` per group and bucket, found by the database (nulls included)."""
    distinct = (
        grouped.annotate(collected=JsonValue(name))
        .filter(collected__isnull=False)
        .values(*names, "collected")
        .distinct()
        .order_by()
    )
    values: dict[str, list] = {}
    for count, row in enumerate(distinct[: MAX_SET_VALUES + 1].iterator(chunk_size=2000)):
        if count == MAX_SET_VALUES:
            raise too_many_set_values()
        values.setdefault(_row_key(row, names), []).append(row["collected"])
    return values
