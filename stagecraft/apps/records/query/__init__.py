"""The read API's query language (backdrop-api.md §2.3-2.6), computed in the database.

query = parse_query(dict(request.GET.lists()), data_set.raw_queries_allowed)  # QueryError → 400
rows = run_query(data_set, query, now=timezone.now())                        # QueryError → 400
"""

from datetime import datetime

from stagecraft.apps.datasets.services import DataSet

from . import shaping
from .ceilings import OUT_OF_RANGE, check_buckets
from .engine import aggregate_rows, raw_documents
from .errors import QueryError
from .params import Collect, Query
from .parsing import parse_query

__all__ = ["Collect", "Query", "QueryError", "parse_query", "run_query"]


def run_query(data_set: DataSet, query: Query, now: datetime) -> list[dict]:
    """The `data` list of the response. Raw queries give the stored documents as they are."""
    if not query.is_grouped:
        return list(raw_documents(data_set, query))
    counts_back = query.counts_back
    resolved = query.resolve(now)
    rows, shift = _grouped(data_set, resolved, counts_back)
    if shift:
        # Relative ranges move once so that they start (or end) with data (§2.5.6).
        period, start_at, end_at = shaping.period_window(resolved)
        delta = period.delta * shift
        try:
            resolved = resolved.with_range(start_at + delta, end_at + delta)
        except (OverflowError, ValueError):
            raise QueryError(OUT_OF_RANGE) from None
        rows, _ = _grouped(data_set, resolved, counts_back)
    return rows


def _grouped(data_set: DataSet, query: Query, counts_back: bool) -> tuple[list[dict], int]:
    """The response rows, and how far a relative range should move (0 when it should not)."""
    found = aggregate_rows(data_set, query)
    shiftable = bool(query.duration) and not query.flatten
    if not query.group_by:
        rows = shaping.period_rows(query, found)
        return rows, shaping.first_nonempty(rows, counts_back) if shiftable else 0
    groups = shaping.groups(query, found)
    check_buckets(_periods(query), shaping.bucket_groups(query, groups))
    if not query.period:
        return shaping.grouped_rows(query, groups), 0
    if query.flatten:
        return shaping.flat_period_rows(query, groups), 0
    rows = shaping.grouped_period_rows(query, groups)
    shifts = [shaping.first_nonempty(row["values"], counts_back) for row in rows]
    return rows, (min(shifts, key=abs) if shifts and shiftable else 0)


def _periods(query: Query) -> int:
    """How many periods each group's answer holds (1 without a period)."""
    if query.period is None:
        return 1
    period, start_at, end_at = shaping.period_window(query)
    return period.count(start_at, end_at)
