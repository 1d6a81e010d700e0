"""The upsert statements of storage.py: documents in by `_id`, the number that were new out.

Public API (for storage.py only: everything else writes through storage.py):

    Rows(record_ids, timestamps, documents, sizes)
        A chunk of records ready to store, a list per column (its ids distinct).
    upsert_chunks(data_set_id: int, updated_at: datetime, chunks: Iterable[Rows]) -> int
        One INSERT ... ON CONFLICT (data_set_id, record_id) DO UPDATE per chunk (its ids distinct);
        returns how many of the rows were new. Call inside the data set's write lock.
    copy_chunks(data_set_id: int, updated_at: datetime, chunks: Iterable[Rows]) -> int
        The rows, none of whose ids is stored yet, inserted with one COPY (PostgreSQL): each chunk
        is sent as it comes, and the database inserts it while the next is prepared. Returns how many.
        An id that was stored after all raises IntegrityError (is_unique_violation).
    is_unique_violation(error: IntegrityError) -> bool

On PostgreSQL the statements go through psycopg's pipeline mode: each is sent as soon as its chunk
is ready, without waiting for the one before to finish, so the database stores a chunk while Python
prepares the next (a pipeline.PreparedBatch does its checks as it is iterated); the new rows' ids
are read once all are sent. On SQLite, one statement after another.
"""

import datetime
import functools
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass

import orjson
import psycopg
from django.db import IntegrityError, connection

from .documents import cached_isoformat
from .models import Record

# Ids looked up per query on SQLite, within its limit of bound parameters.
ID_LOOKUP_SIZE = 500
UPDATE_FIELDS = ["timestamp", "updated_at", "data", "size"]


@dataclass(frozen=True, slots=True)
class Rows:
    """Columns rather than a tuple per record: a migration builds and writes millions of them."""

    record_ids: list[str]
    timestamps: list[datetime.datetime | None]
    documents: list[dict]
    sizes: list[int]

    def __len__(self) -> int:
        return len(self.record_ids)


def upsert_chunks(data_set_id: int, updated_at: datetime.datetime, chunks: Iterable[Rows]) -> int:
    """See the module docstring."""
    if connection.vendor != "postgresql":
        return sum(_upsert_sqlite(data_set_id, updated_at, rows) for rows in chunks if rows)
    sql = _postgresql_statement()
    last_id = _last_id_given()
    cursors = []
    # Errors of the pipeline are raised as Django's, like those of any other statement (a deadlock
    # as OperationalError, for the retry).
    with connection.wrap_database_errors, connection.connection.pipeline():
        for rows in chunks:
            if not rows:
                continue
            cursor = connection.cursor()
            cursor.execute(sql, [data_set_id, updated_at, _batch_json(rows), last_id])
            cursors.append(cursor)
    # The new rows' ids, as a set: a record whose `_id` comes again in a later chunk of the same
    # write is inserted by one statement and replaced by the next, which returns its new id again.
    inserted: set[int] = set()
    for cursor in cursors:
        with cursor:
            inserted.update(cursor.fetchone()[0])
    return len(inserted)


def copy_chunks(data_set_id: int, updated_at: datetime.datetime, chunks: Iterable[Rows]) -> int:
    """See the module docstring. The chunks must not touch the database (they come while the COPY
    is open): the first is asked for before it opens (a data set's schema, say, read on first use)."""
    chunks = iter(chunks)
    first = next(chunks, None)
    if first is None:
        return 0
    table = Record._meta.db_table
    copied = 0
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy,
    ):
        for rows in itertools.chain([first], chunks):
            copy.write(_copy_text(data_set_id, updated_at, rows))
            copied += len(rows)
    return copied


COPY_COLUMNS = ("data_set_id", "record_id", "timestamp", "updated_at", "data", "size")


def _copy_text(data_set_id: int, updated_at: datetime.datetime, rows: Rows) -> bytes:
    """COPY's text format: a line per row, tab-separated, \\N for null, backslashes doubled (JSON
    text escapes its own tabs and newlines; an `_id` has none, as the pipeline refuses whitespace, but
    is escaped whole all the same). Built a column at a time, in C as far as it goes: a migration
    sends every record through here."""
    documents = _escaped_lines(_json_documents(rows.documents))
    ids = rows.record_ids
    plain_ids = "".join(ids)
    if any(special in plain_ids for special in _COPY_SPECIALS):
        ids = [record_id.translate(_COPY_ESCAPES) for record_id in ids]
    encoded_ids = "\n".join(ids).encode().split(b"\n")  # no newline is left in them
    stamps = map(_copy_timestamp, rows.timestamps)
    written = updated_at.isoformat().encode()
    return b"".join(
        [
            b"%d\t%b\t%b\t%b\t%b\t%d\n" % (data_set_id, record_id, stamp, written, document, size)
            for record_id, stamp, document, size in zip(
                encoded_ids, stamps, documents, rows.sizes, strict=True
            )
        ]
    )


_COPY_SPECIALS = ("\\", "\t", "\n", "\r")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _json_documents(documents: list[dict]) -> list[bytes]:
    """Each document's compact JSON (as _json_text writes it), as UTF-8."""
    try:
        return list(map(orjson.dumps, documents))
    except orjson.JSONEncodeError:
        return [_json_text(document).encode() for document in documents]


def _escaped_lines(texts: list[bytes]) -> list[bytes]:
    """JSON texts with their backslashes doubled for COPY: all at once (they hold no raw newline)."""
    return b"\n".join(texts).replace(b"\\", b"\\\\").split(b"\n")


@functools.lru_cache(maxsize=4096)
def _copy_timestamp(timestamp: datetime.datetime | None) -> bytes:
    return cached_isoformat(timestamp).encode() if timestamp else b"\\N"


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether the error is a unique constraint's (on records, only `_id` can repeat: ids come from a
    sequence)."""
    return isinstance(error.__cause__, psycopg.errors.UniqueViolation)


def _upsert_sqlite(data_set_id: int, updated_at: datetime.datetime, rows: Rows) -> int:
    """bulk_create's upsert, the new rows counted by looking their ids up first (SQLite runs one
    writer at a time, so nothing comes between)."""
    ids = rows.record_ids
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
                record_id=record_id,
                timestamp=timestamp,
                updated_at=updated_at,
                data=document,
                size=size,
            )
            for record_id, timestamp, document, size in zip(
                rows.record_ids, rows.timestamps, rows.documents, rows.sizes, strict=True
            )
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
        # The rows this statement inserted: their ids are above the last one given before the
        # write (_last_id_given); a replaced row keeps its older id. (Not RETURNING (xmax = 0): a
        # partitioned table returns no system column.)
        "RETURNING id) SELECT coalesce(array_agg(id) FILTER (WHERE id > %s), '{}') FROM stored"
    )


def _last_id_given() -> int:
    """The last id the records' sequence gave (0 when none yet).

    Every record the data set holds got its id before this: its writer held the data set's lock,
    which this write now holds, and the sequence's values only grow (with CACHE 1, Django's and the
    partitioning migration's, each value is handed out in order across sessions). So the ids above
    it are exactly those of the rows the write inserts. Read before the pipeline: one round trip.
    """
    table = Record._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')::regclass), 0)",
            [table],
        )
        return int(cursor.fetchone()[0])


def _batch_json(rows: Rows) -> str:
    """The chunk as one JSON text of [document, size, timestamp] triples."""
    return _json_text(list(zip(rows.documents, rows.sizes, rows.timestamps, strict=True)))


def _json_text(value: object) -> str:
    """Compact JSON. orjson writes it about ten times faster than the json module, datetimes as ISO
    8601 (which PostgreSQL reads). What orjson refuses, such as an integer beyond 64 bits (the
    pipeline refuses those, but documents also come from elsewhere), the json module writes instead."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":"), default=datetime.datetime.isoformat)
