"""The upsert statements of storage.py: documents in by `_id`, the number that were new out.

Public API (for storage.py only: everything else writes through storage.py):

    Row(record_id, timestamp, document, size)
        One record ready to store.
    upsert_chunks(data_set_id: int, updated_at: datetime, chunks: Iterable[list[Row]]) -> int
        One INSERT ... ON CONFLICT (data_set_id, record_id) DO UPDATE per chunk (its ids distinct);
        returns how many of the rows were new. Call inside the data set's write lock.

On PostgreSQL the statements go through psycopg's pipeline mode: each is sent as soon as its chunk
is ready, without waiting for the one before to finish, so the database stores a chunk while Python
prepares the next (a pipeline.PreparedBatch does its checks as it is iterated); the counts are read
once all are sent. On SQLite, one statement after another.
"""

import datetime
import json
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection

from .models import Record

# Ids looked up per query on SQLite, within its limit of bound parameters.
ID_LOOKUP_SIZE = 500
UPDATE_FIELDS = ["timestamp", "updated_at", "data", "size"]


class Row(NamedTuple):
    record_id: str
    timestamp: datetime.datetime | None
    document: dict
    size: int


def upsert_chunks(data_set_id: int, updated_at: datetime.datetime, chunks: Iterable[list[Row]]) -> int:
    """See the module docstring."""
    if connection.vendor != "postgresql":
        return sum(_upsert_sqlite(data_set_id, updated_at, rows) for rows in chunks if rows)
    sql = _postgresql_statement()
    cursors = []
    # Errors of the pipeline are raised as Django's, like those of any other statement (a deadlock
    # as OperationalError, for the retry).
    with connection.wrap_database_errors, connection.connection.pipeline():
        for rows in chunks:
            if not rows:
                continue
            cursor = connection.cursor()
            cursor.execute(sql, [data_set_id, updated_at, _batch_json(rows), data_set_id])
            cursors.append(cursor)
    inserted = 0
    for cursor in cursors:
        with cursor:
            inserted += cursor.fetchone()[0]
    return inserted


def _upsert_sqlite(data_set_id: int, updated_at: datetime.datetime, rows: list[Row]) -> int:
    """bulk_create's upsert, the new rows counted by looking their ids up first (SQLite runs one
    writer at a time, so nothing comes between)."""
    ids = [row.record_id for row in rows]
    existing = sum(
        Record.objects.filter(
            data_set_id=data_set_id, record_id__in=ids[start : start + ID_LOOKUP_SIZE]
        ).count()
        for start in range(0, len(ids), ID_LOOKUP_SIZE)
    )
    Record.objects.bulk_create(
        [
            Record(
                data_set_id=data_set_id,
                record_id=row.record_id,
                timestamp=row.timestamp,
                updated_at=updated_at,
                data=row.document,
                size=row.size,
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["data_set", "record_id"],
        update_fields=UPDATE_FIELDS,
    )
    return len(rows) - existing


def _postgresql_statement() -> str:
    """The statement bulk_create would build, with the chunk sent as one JSON parameter.

    Django 5.2's bulk_create sends PostgreSQL arrays through UNNEST, and psycopg escapes every quote
    of every JSON document in such arrays with a Python regex: that was the slowest part of a write
    (with building a model instance per row). One JSON text of [document, size, timestamp] triples
    is quoted by libpq in C instead, and the statement's text stays the same for every chunk.
    """
    table = Record._meta.db_table
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in UPDATE_FIELDS)
    return (
        "WITH stored AS ("
        f"INSERT INTO {table} (data_set_id, record_id, timestamp, updated_at, data, size) "
        "SELECT %s, row->0->>'_id', (row->>2)::timestamptz, %s, row->0, (row->>1)::integer "
        "FROM jsonb_array_elements(%s::jsonb) AS row "
        f"ON CONFLICT (data_set_id, record_id) DO UPDATE SET {updates} "
        # The ids that were new. Not RETURNING (xmax = 0): a partitioned table returns no system
        # column. The outer query reads the table as it was before the statement.
        "RETURNING record_id) "
        f"SELECT count(*) FROM stored WHERE NOT EXISTS (SELECT FROM {table} AS before "
        "WHERE before.data_set_id = %s AND before.record_id = stored.record_id)"
    )


def _batch_json(rows: list[Row]) -> str:
    return json.dumps(
        [[row.document, row.size, row.timestamp.isoformat() if row.timestamp else None] for row in rows],
        separators=(",", ":"),
    )
