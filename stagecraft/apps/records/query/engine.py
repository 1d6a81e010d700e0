"""Runs a query in the database: filters, then GROUP BY on JSON fields and the truncated timestamp.

Only aggregated rows (one per group and bucket) and, for `set`, the distinct values per group and
bucket come back to Python; records are never all loaded. A grouped query costs one query, plus one
per field collected as a set.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.db import DataError, connections, transaction
from django.db.models import Count, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Trunc

from stagecraft.apps.datasets.services import DataSet

from ..documents import full_document
from ..models import Record
from .ceilings import MAX_BUCKETS, MAX_SET_VALUES, too_many_buckets, too_many_set_values
from .params import Query
from .sql import (
    DerivedText,
    JsonCastNumber,
    JsonNotNumber,
    JsonNumber,
    JsonStartsWith,
    JsonValue,
    Passthrough,
    is_derived,
)


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
        if is_derived(name):
            # Text: only a text value can match (filter_by=_week_start_at:2014-01-06T00:00:00+00:00).
            matched = Q(**{alias: value}) if isinstance(value, str) else Q(pk__in=[])
            records = records.alias(**{alias: DerivedText(name)}).filter(matched)
            continue
        records = records.alias(**{alias: KeyTransform(name, "data")}).filter(**{alias: value})
    for name, prefix in query.prefix_filters:
        records = records.filter(JsonStartsWith(name, prefix))
    return records


# Documents read per query of a raw read: the memory a raw read holds, whatever the data set's size.
PAGE_SIZE = 1000


def raw_documents(data_set: DataSet, query: Query, page_size: int = PAGE_SIZE) -> Iterator[dict]:
    """The documents as readers get them, sorted and limited in the database; see raw_pages()."""
    for page in raw_pages(data_set, query, page_size):
        yield from page


def raw_pages(data_set: DataSet, query: Query, page_size: int = PAGE_SIZE) -> Iterator[list[dict]]:
    """The documents (derived fields included, documents.py) in pages of `page_size`, each page one
    query that carries on after the last row of the one before (keyset pagination on the sort value
    and the primary key), so memory stays flat and no cursor outlives a query (a connection pooler may
    hand each query to another server connection). Without `sort_by`, storage order (the primary key);
    with it, the field's text (SQLite: its JSON value), nulls last ascending and first descending,
    ties by storage order."""
    records = filtered_records(data_set, query)
    sort = query.sort_by
    if sort:
        # Wrapped, so that comparisons with the last row's value are plain ones (not JSON key lookups)
        # with the value as the database gave it (SQLite: a number stays a number).
        text = DerivedText(sort[0]) if is_derived(sort[0]) else KeyTextTransform(sort[0], "data")
        value_text = ExpressionWrapper(text, output_field=Passthrough())
        records = records.annotate(sort_value=value_text)
        value = F("sort_value")
        records = records.order_by(
            value.desc(nulls_first=True) if sort[1] else value.asc(nulls_last=True), "id"
        )
    else:
        records = records.order_by("id")
    remaining = query.limit
    after: tuple[int, object] | None = None
    while remaining is None or remaining > 0:
        size = page_size if remaining is None else min(page_size, remaining)
        page_query = records if after is None else records.filter(_after(after, sort))
        columns = ("id", "data", "timestamp", "updated_at", *(("sort_value",) if sort else ()))
        rows = list(page_query.values_list(*columns)[:size])
        if not rows:
            return
        yield [full_document(data, timestamp, updated_at) for _, data, timestamp, updated_at, *_ in rows]
        if len(rows) < size:
            return
        after = (rows[-1][0], rows[-1][4] if sort else None)
        if remaining is not None:
            remaining -= len(rows)


def _after(last: tuple[int, object], sort: tuple[str, bool] | None) -> Q:
    """The rows that come after `last` (its id and sort value) in raw_pages()'s order."""
    last_id, last_value = last
    if not sort:
        return Q(id__gt=last_id)
    descending = sort[1]
    if last_value is None:
        # Among the nulls (last when ascending, first when descending), by id.
        later = Q(sort_value__isnull=True, id__gt=last_id)
        return later | Q(sort_value__isnull=False) if descending else later
    beyond = Q(sort_value__lt=last_value) if descending else Q(sort_value__gt=last_value)
    later = beyond | Q(sort_value=last_value, id__gt=last_id)
    return later if descending else later | Q(sort_value__isnull=True)


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
    with _hashing_allowed(grouped.db):
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


@contextmanager
def _hashing_allowed(using: str) -> Iterator[None]:
    """A transaction in which PostgreSQL groups with a hash table, in RECORDS_QUERY_WORK_MEM_MB.

    PostgreSQL can't estimate how many distinct values a JSON field or a truncated timestamp has, so
    it assumes about one group per row, judges a hash table too big and sorts every row instead,
    spilling to disk with the default work_mem (4 MB). A read has a few hundred groups at most
    (MAX_BUCKETS), so the sort is turned off for the transaction and the hash table given room:
    the benchmark's query takes less than half the time (bench/query_records.py prints the plan).
    Should a query have more groups than fit, the hash aggregate spills to disk in batches. SET
    LOCAL ends with the transaction: safe behind a transaction-pooling PgBouncer, and no other query
    of the connection is affected."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    # Inside a caller's transaction, no savepoint: the settings then last until it ends.
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        megabytes = f"{settings.RECORDS_QUERY_WORK_MEM_MB}MB"
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('enable_sort', 'off', true)", [megabytes]
        )
        yield


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
