"""What the admin's query explorer shows of a read query's answer: a table and a chart.

    result_table(query, rows) -> Table
        One line per row; a grouped period query's groups (with nested `values`) become one line per
        group and period, as `flatten=true` would give. Columns: the group fields, the period, the
        count, the collected keys, then the rest (a raw record's fields) in name order.
    result_chart(query, rows) -> dict | None
        The data for Chart.js (drawn by static/records/explorer.js): lines over time for period
        queries (one line per numeric key, or per group when grouped), bars for group_by queries
        (one bar per group, one series per numeric key), nothing for raw queries. An empty period's
        sum or count (null in the answer) is drawn as 0; an empty mean is a gap.
        {"type": "line" | "bar", "title": str, "labels": [str],
         "datasets": [{"label": str, "data": [number | null]}]}

Pure functions of the query and the rows run_query returned: the view (views/admin_query.py) runs the
read API's own parser and engine.
"""

from dataclasses import dataclass
from datetime import datetime

from .documents import PERIOD_FIELDS
from .query import Query
from .query.output import cell_text

# More groups than this would make an unreadable chart: the chart shows the first ones and says so.
MAX_CHART_SERIES = 20
NUMERIC_METHODS = ("sum", "count", "mean")
_LEADING = ("_id", "_timestamp", "_start_at", "_end_at", "_count", "_group_count")
_TRAILING = (*PERIOD_FIELDS, "_updated_at")


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]


def result_table(query: Query, rows: list[dict]) -> Table:
    lines: list[dict] = []
    for row in rows:
        values = row.get("values")
        if query.group_by and query.period and isinstance(values, list):
            group = {field: row.get(field) for field in query.group_by}
            lines.extend({**group, **bucket} for bucket in values)
        else:
            lines.append(row)
    columns = _columns(query, lines)
    return Table(columns, [[cell_text(line.get(column)) for column in columns] for line in lines])


def _columns(query: Query, lines: list[dict]) -> list[str]:
    keys = {key for line in lines for key in line}
    collected = [key for collect in query.collect for key in collect.keys]
    leading = [*query.group_by, *_LEADING, *collected]
    first = [key for key in dict.fromkeys(leading) if key in keys]
    last = [key for key in _TRAILING if key in keys]
    middle = sorted(keys - set(first) - set(last))
    return first + middle + last


def numeric_keys(query: Query) -> list[str]:
    """The keys worth charting: the count and every sum, count or mean collected."""
    return ["_count"] + [
        key for collect in query.collect if collect.method in NUMERIC_METHODS for key in collect.keys
    ]


def result_chart(query: Query, rows: list[dict]) -> dict | None:
    if not query.is_grouped or not rows:
        return None
    if query.period and not query.group_by:
        labels = [_period_label(query, row.get("_start_at")) for row in rows]
        datasets = [_series(key, [_value(row, key) for row in rows]) for key in numeric_keys(query)]
        return _chart("line", f"Per {query.period.name}", labels, datasets)
    if query.period:
        return _grouped_period_chart(query, rows)
    keys = numeric_keys(query)
    labels = [_group_label(query, row) for row in rows]
    datasets = [_series(key, [row.get(key) for row in rows]) for key in keys]
    return _chart("bar", f"By {', '.join(query.group_by)}", labels, datasets)


def _grouped_period_chart(query: Query, rows: list[dict]) -> dict:
    """One line per group, of the first collected number (or the count), over time."""
    assert query.period is not None
    keys = numeric_keys(query)
    metric = keys[1] if len(keys) > 1 else "_count"
    series: dict[str, dict[str, object]] = {}
    starts: list[str] = []
    for group, bucket in _group_buckets(query, rows):
        label = _period_label(query, bucket.get("_start_at"))
        if label not in starts:
            starts.append(label)
        series.setdefault(group, {})[label] = _value(bucket, metric)
    datasets = [
        _series(group, [values.get(start) for start in starts])
        for group, values in list(series.items())[:MAX_CHART_SERIES]
    ]
    title = f"{metric} per {query.period.name}, by {', '.join(query.group_by)}"
    if len(series) > MAX_CHART_SERIES:
        title += f" (the first {MAX_CHART_SERIES} of {len(series)} groups)"
    return _chart("line", title, starts, datasets)


def _group_buckets(query: Query, rows: list[dict]) -> list[tuple[str, dict]]:
    """(group label, bucket) pairs, from nested `values` or from flattened rows."""
    pairs: list[tuple[str, dict]] = []
    for row in rows:
        values = row.get("values")
        buckets = values if isinstance(values, list) else [row]
        pairs.extend((_group_label(query, row), bucket) for bucket in buckets)
    return pairs


def _value(row: dict, key: str) -> object:
    """The row's value of `key`; an empty period's sum or count (null in the answer) is drawn as 0."""
    value = row.get(key)
    if value is None and row.get("_count") == 0 and key.endswith((":sum", ":count")):
        return 0
    return value


def _group_label(query: Query, row: dict) -> str:
    return " / ".join(cell_text(row.get(field)) or "(empty)" for field in query.group_by)


def _period_label(query: Query, start: object) -> str:
    """The start of a period as a short label: a date, or a date and time for hours."""
    text = cell_text(start) if isinstance(start, datetime) else str(start)
    if query.period is not None and query.period.name == "hour":
        return text[:16].replace("T", " ")
    return text[:10]


def _series(label: str, values: list[object]) -> dict:
    numbers = [
        value if isinstance(value, int | float) and not isinstance(value, bool) else None for value in values
    ]
    return {"label": label, "data": numbers}


def _chart(kind: str, title: str, labels: list[str], datasets: list[dict]) -> dict:
    return {"type": kind, "title": title, "labels": labels, "datasets": datasets}
