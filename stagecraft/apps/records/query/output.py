"""Response bodies: JSON with the reference's datetime format, and CSV (backdrop-api.md §2.2, §2.3)."""

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime

from ..documents import isoformat


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


def json_chunks(pages: Iterable[list[dict]], after: dict | None = None) -> Iterator[bytes]:
    """`{"data": [...], <after>}` page by page: the same bytes as to_json({"data": rows, **after})."""
    yield b'{"data": ['
    separator = b""
    for page in pages:
        if page:
            yield separator + ", ".join(json.dumps(row, cls=ReadEncoder) for row in page).encode()
            separator = b", "
    tail = "".join(
        f", {json.dumps(key)}: {json.dumps(value, cls=ReadEncoder)}" for key, value in (after or {}).items()
    )
    yield f"]{tail}}}".encode()


# What a CSV export keeps in memory before it spills its rows to a temporary file.
SPOOL_BYTES = 1024 * 1024


def csv_chunks(pages: Iterable[list[dict]]) -> Iterator[bytes]:
    """to_csv() of every row, without holding them all: the header is the union of the rows' keys,
    so the rows are first spooled (to memory, then to disk) as JSON lines while the keys are
    collected, then written out as CSV from the spool."""
    columns: set[str] = set()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b") as spool:
        for page in pages:
            for row in page:
                columns.update(row)
                spool.write(json.dumps(row, cls=ReadEncoder).encode() + b"\n")
        spool.seek(0)
        ordered = sorted(columns)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(ordered)
        for line in spool:
            row = json.loads(line)
            writer.writerow([cell_text(row.get(column)) for column in ordered])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()


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
