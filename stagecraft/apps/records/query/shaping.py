"""Turns aggregated rows into the reference's response shapes (backdrop-api.md §2.5, §2.6)."""

import json
import math
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from itertools import product
from typing import NoReturn

from .engine import AggregateRow, Stat
from .errors import QueryError
from .params import Collect, Query
from .periods import Period

INVALID_COLLECT = "invalid collect function"


def sort_key(value: object) -> tuple:
    """Orders mixed JSON values like the original (Python 2): null, numbers, arrays/objects, text."""
    if value is None:
        return (0,)
    if isinstance(value, bool | int | float | Decimal):
        return (1, value)
    if isinstance(value, str):
        return (3, value)
    if isinstance(value, tuple):
        return (4, tuple(sort_key(item) for item in value))
    return (2, json.dumps(value, sort_keys=True))


def _number(value: int | float | Decimal | None) -> int | float:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        # PostgreSQL sums as numeric: give back an int when every value was one, like Python's sum.
        exponent = value.as_tuple().exponent  # a letter for NaN and infinities
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    return value


def reduce(item: Collect, stat: Stat) -> object:
    """The collected value of one field in one group or bucket."""
    if item.reducer in ("sum", "mean") and stat.not_numbers:
        return _raise(INVALID_COLLECT)
    if item.reducer == "sum":
        return _number(stat.total)
    if item.reducer == "mean":
        if stat.present == 0:
            # The original divided by zero here (500).
            return _raise(
                f"Cannot collect {item.field}:mean: a group has no value for '{item.field}' to average"
            )
        return _number(stat.total) / stat.present
    if item.reducer == "count":
        return stat.present
    return sorted(stat.values, key=sort_key)


def _raise(message: str) -> NoReturn:
    raise QueryError(message)


def collected(query: Query, stats: list[Stat]) -> dict:
    result = {}
    for item, stat in zip(query.collect, stats, strict=True):
        value = reduce(item, stat)
        for key in item.keys:
            result[key] = value
    return result


def period_window(query: Query) -> tuple[Period, datetime, datetime]:
    """A period query's period and range; run_query resolves a relative range before shaping."""
    period, start_at, end_at = query.period, query.start_at, query.end_at
    if period is None or start_at is None or end_at is None:
        raise ValueError(f"Not a period query with a resolved range: {query}")
    return period, start_at, end_at


def _bucket(query: Query, start: datetime, count: int, stats: list[Stat] | None) -> dict:
    period, _, _ = period_window(query)
    row: dict[str, object] = {"_start_at": start, "_end_at": start + period.delta, "_count": count}
    if stats is None:
        row.update({key: None for item in query.collect for key in item.empty_keys})
    else:
        row.update(collected(query, stats))
    return row


def filled_buckets(query: Query, found: dict[datetime, AggregateRow]) -> list[dict]:
    """Buckets over [period.start(start_at), period.end(end_at)), empty ones filled (§2.5.4)."""
    period, start_at, end_at = period_window(query)
    rows = []
    for start in period.buckets(start_at, end_at):
        row = found.get(start)
        rows.append(_bucket(query, start, row.count, row.stats) if row else _bucket(query, start, 0, None))
    return rows


def first_nonempty(buckets: list[dict], counts_back: bool) -> int:
    """How many periods to move the window so that it starts (or ends) with data; 0 when all empty."""
    ordered = list(reversed(buckets)) if counts_back else buckets
    index = next((i for i, bucket in enumerate(ordered) if bucket["_count"] > 0), 0)
    return -index if counts_back else index


def period_rows(query: Query, rows: list[AggregateRow]) -> list[dict]:
    # Every row of a period query has a bucket (untimed records are left out in the database).
    return filled_buckets(query, {row.bucket: row for row in rows if row.bucket is not None})


class Group:
    """One group of a grouped query: its values, its buckets when there is a period, its totals."""

    def __init__(self, first: AggregateRow):
        self.values = first.group
        self.count = first.count
        self.stats = first.stats
        self.buckets: dict[datetime, AggregateRow] = {}
        self._keep_bucket(first)

    def add(self, row: AggregateRow) -> None:
        self.count += row.count
        self.stats = [a.merge(b) for a, b in zip(self.stats, row.stats, strict=False)]
        self._keep_bucket(row)

    def _keep_bucket(self, row: AggregateRow) -> None:
        if row.bucket is not None:
            self.buckets[row.bucket] = row

    def row(self, query: Query) -> dict:
        result = dict(zip(query.group_by, self.values, strict=True))
        result["_count"] = self.count
        if query.period:
            result["_group_count"] = len(self.buckets)
        result.update(collected(query, self.stats))
        return result


def groups(query: Query, rows: list[AggregateRow]) -> list[Group]:
    """Groups sorted by their values (or by `sort_by`) and limited."""
    by_key: dict[str, Group] = {}
    for row in rows:
        key = json.dumps(row.group, sort_keys=True)
        if key in by_key:
            by_key[key].add(row)
        else:
            by_key[key] = Group(row)
    found = sorted(by_key.values(), key=lambda group: sort_key(group.values))
    if query.sort_by:
        found = _sorted_by(query, found, *query.sort_by)
    return found[: query.limit] if query.limit else found


def _sorted_by(query: Query, found: list[Group], name: str, descending: bool) -> list[Group]:
    rows = [(group.row(query), group) for group in found]
    missing = next((row for row, _ in rows if name not in row), None)
    if missing is not None:
        # The original failed with a 500 here.
        keys = ", ".join(sorted(missing))
        raise QueryError(f"Cannot sort by '{name}': it is not in the grouped results (fields: {keys})")
    key: Callable = lambda pair: sort_key(pair[0][name])  # noqa: E731
    return [group for _, group in sorted(rows, key=key, reverse=descending)]


def grouped_rows(query: Query, found: list[Group]) -> list[dict]:
    return [group.row(query) for group in found]


def grouped_period_rows(query: Query, found: list[Group]) -> list[dict]:
    result = []
    for group in found:
        row = group.row(query)
        row["values"] = filled_buckets(query, group.buckets)
        result.append(row)
    return result


def flat_period_rows(query: Query, found: list[Group]) -> list[dict]:
    """One row per bucket and group-value combination, ordered by time (§2.5.8).

    Combinations missing from a bucket are filled with `_count: 0`, built from the values each group
    field takes somewhere in the results.
    """
    seen = _values_seen(query, found)
    by_values = {json.dumps(group.values, sort_keys=True): group for group in found}
    period, start_at, end_at = period_window(query)
    rows = []
    for start in period.buckets(start_at, end_at):
        for values in product(*seen):
            matching = by_values.get(json.dumps(values, sort_keys=True))
            bucket = matching.buckets.get(start) if matching else None
            row = dict(zip(query.group_by, values, strict=True))
            if bucket:
                row.update(_bucket(query, start, bucket.count, bucket.stats))
            else:
                row.update(_bucket(query, start, 0, None))
            rows.append(row)
    return rows


def _values_seen(query: Query, found: list[Group]) -> list[list]:
    """The distinct values each group field takes somewhere in the groups, in the groups' order."""
    seen: list[list] = [[] for _ in query.group_by]
    markers: list[set[str]] = [set() for _ in query.group_by]
    for group in found:
        for index, value in enumerate(group.values):
            marker = json.dumps(value, sort_keys=True)
            if marker not in markers[index]:
                markers[index].add(marker)
                seen[index].append(value)
    return seen


def bucket_groups(query: Query, found: list[Group]) -> int:
    """How many groups the answer has per period: every combination of values when flattened."""
    if not query.flatten or not query.period:
        return len(found)
    return math.prod(len(values) for values in _values_seen(query, found))
