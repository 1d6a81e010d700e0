"""Response bodies: JSON with the reference's datetime format, and CSV (backdrop-api.md §2.2, §2.3)."""

import csv
import io
import json
from datetime import datetime

from ..pipeline import isoformat


class ReadEncoder(json.JSONEncoder):
    """Datetimes as ISO 8601 in UTC with an explicit offset: 2012-12-12T01:01:01+00:00 (.ffffff if any)."""

    def default(self, o: object) -> object:
        if isinstance(o, datetime):
            return isoformat(o)
        return super().default(o)


def to_json(payload: dict) -> str:
    return json.dumps(payload, cls=ReadEncoder)


def cell_text(value: object) -> str:
    """A value as one CSV (or table) cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return isoformat(value)
    if isinstance(value, list | dict):
        return json.dumps(value, cls=ReadEncoder)
    return str(value)


def to_csv(rows: list[dict]) -> str:
    """One column per top-level key (the sorted union over all rows), one line per row.

    Missing values and nulls are empty cells; booleans are `true`/`false`; lists (sets, nested
    `values`) are written as JSON.
    """
    columns = sorted({key for row in rows for key in row})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell_text(row.get(column)) for column in columns])
    return buffer.getvalue()
