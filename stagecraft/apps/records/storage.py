"""Storing a data set's documents (backdrop-api.md §1.9). The only code that writes Record rows.

Public API:

    store_documents(data_set: DataSet, documents: Iterable[dict]) -> int
        Upserts documents from prepare_records() by `_id`: a document replaces the stored one with
        the same `_id` whole; later duplicates in the batch win; a document without `_id` gets a
        uuid4 hex one. Sets the updated_at column (readers' `_updated_at`) to now. One INSERT ...
        ON CONFLICT DO UPDATE per 1,000 rows, so concurrent writers of the same `_id` both succeed.
        Then applies the capped-size rule. Returns the number of rows written (after removing
        duplicates). Call inside transaction.atomic() to make a larger unit all-or-nothing; it is
        atomic on its own.
    store_chunks(data_set: DataSet, chunks: Iterable[list[dict]], *, all_new: bool = False) -> int
        The same for a batch given in chunks (a pipeline.PreparedBatch), each chunk sent to the
        database while the next is prepared (upserts.py). With `all_new` the caller expects none of
        the `_id`s to be stored yet, nor any to come twice (a migration into a data set it has just
        created): the rows go in with COPY, the fastest way in (on PostgreSQL); if one was stored
        after all, the write is rolled back and AlreadyStored raised, for the caller to store the
        chunks again without `all_new`.
    empty_data_set(data_set: DataSet) -> int
        Deletes every record of the data set in one statement; returns how many went.
    delete_record(data_set: DataSet, record_id: str) -> bool
        Deletes one record; False when there was none with that `_id`.
    patch_record(data_set: DataSet, record_id: str, document: dict) -> bool
        Replaces one stored record with `document` (not validated, as the reference's PostgreSQL
        store), keeping its `_id`, written now; False when there was none.
    enforce_capped_size(data_set: DataSet) -> int
        The capped-size rule, see below; returns how many records it removed.
    write_locked(data_set: DataSet, work: Callable[[], T]) -> T
        `work()` in a transaction holding the data set's write lock, run again on a conflict: for a
        caller whose unit is more than one of these functions (a write and its line in the write
        log, say).
    lock_data_set(data_set: DataSet) -> None
        Takes the data set's write lock for the rest of the current transaction (see below).

Concurrency. Every write to a data set (these functions, and so the write API, the admin's upload
and empty, migrations, the trash) first takes a transaction-level advisory lock on the data set's id
(`lock_data_set`), so the writes of one data set happen one after another (an upsert never meets a
capped-size trim or an empty halfway) while writes to different data sets run in parallel. On
SQLite the database lock already serialises writers. A write that opens its own transaction is run
again when the database still reports a deadlock or serialisation failure, a few times, then raises
stagecraft.libs.retry.Busy (answered 503 with Retry-After).

Transactions. Each function is atomic: its own transaction, or part of the caller's when called
inside one (without a savepoint of its own: a failure rolls back the caller's whole unit, which is
what every caller wants, and a write costs no SAVEPOINT and RELEASE).

Record counts. Each function keeps the data set's RecordCount row in step with its rows, in the same
transaction (an upsert adding the difference: concurrent writers add up), so that the data set list
reads counts without counting. An upsert counts the documents it inserted (not those it replaced):
on PostgreSQL by their row ids, above the id sequence's last value read before the write
(upserts.py), on SQLite by looking up the batch's ids first; exact either way, as a data set's
writes take turns (its lock, or SQLite's one writer at a time). Code that adds or removes Record
rows elsewhere must do the same.

Capped size. A data set with a `capped_size` of N bytes keeps at most N bytes of documents (each
document measured as its compact JSON text in UTF-8, kept in the `size` column). After each write,
when the total is over N, the oldest records are removed, oldest first by `_timestamp` (records
without one count as oldest), then by write time, until the rest fit. The check costs one
aggregate query while under budget.
"""

import contextvars
import datetime
import functools
import json
import operator
import uuid
import zlib
from collections.abc import Callable, Iterable
from itertools import repeat
from typing import TypeVar

from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet, Sum, Window
from django.utils import timezone

from stagecraft.apps.datasets.services import DataSet
from stagecraft.libs.retry import retry_on_conflict

from .documents import full_document, stored_document
from .models import Record, RecordCount
from .upserts import Rows, copy_chunks, is_unique_violation, upsert_chunks

# Documents per upsert statement when a batch comes whole (store_documents).
BATCH_SIZE = 1000


def store_documents(
    data_set: DataSet, documents: Iterable[dict], now: datetime.datetime | None = None
) -> int:
    """Upsert documents by `_id`; see the module docstring. `now` (default: the current time) is the
    `_updated_at` they get: the demo back-fills history with it."""
    batch = list(documents)
    return store_chunks(
        data_set, [batch[start : start + BATCH_SIZE] for start in range(0, len(batch), BATCH_SIZE)], now
    )


class AlreadyStored(Exception):
    """store_chunks(all_new=True) met an `_id` that was stored already; the write was rolled back."""


def store_chunks(
    data_set: DataSet,
    chunks: Iterable[list[dict]],
    now: datetime.datetime | None = None,
    *,
    all_new: bool = False,
) -> int:
    """store_documents() of a batch given in chunks, one upsert statement each, sent to PostgreSQL
    without waiting for the one before (upserts.py): a pipeline.PreparedBatch prepares its next chunk
    while the database stores the last. A later duplicate wins, in its chunk as across chunks.
    Returns the number of distinct `_id`s written. `chunks` is iterated again if the write is
    retried; an error it raises rolls the whole write back."""
    now = now or timezone.now()
    capped = bool(data_set.capped_size)
    written: set[str] = set()

    def rows_of(chunk: list[dict]) -> Rows:
        documents = list(map(stored_document, chunk))
        if not all(map(operator.contains, documents, repeat("_id"))):
            documents = [
                document if "_id" in document else {**document, "_id": uuid.uuid4().hex}
                for document in documents
            ]
        record_ids = list(map(operator.itemgetter("_id"), documents))
        if len(set(record_ids)) < len(record_ids):
            # Later duplicates win (in the place of the first).
            latest = dict(zip(record_ids, documents, strict=True))
            record_ids, documents = list(latest), list(latest.values())
        timestamps = list(map(_parse_timestamp, map(operator.methodcaller("get", "_timestamp"), documents)))
        sizes = list(map(_json_size, documents, timestamps, repeat(now))) if capped else [0] * len(documents)
        written.update(record_ids)
        return Rows(record_ids, timestamps, documents, sizes)

    def write() -> None:
        written.clear()
        rows = (rows_of(chunk) for chunk in chunks)
        if all_new and connection.vendor == "postgresql":
            try:
                inserted = copy_chunks(data_set.pk, now, rows)
            except IntegrityError as error:
                if not is_unique_violation(error):
                    raise
                raise AlreadyStored() from None  # out of write_locked(), which rolls the write back
        else:
            inserted = upsert_chunks(data_set.pk, now, rows)
        count_changed(data_set.pk, inserted)
        if capped and written:
            enforce_capped_size(data_set)

    write_locked(data_set, write)
    return len(written)


# The first key of the records' advisory locks (the second is the data set's id), so that they
# can't be mistaken for another part of the system's locks.
LOCK_NAMESPACE = zlib.crc32(b"stagecraft.records.data_set") & 0x7FFFFFFF
T = TypeVar("T")


def lock_data_set(data_set: DataSet) -> None:
    """Wait for, then hold until the transaction ends, the data set's write lock (PostgreSQL). Call
    inside a transaction, before anything else the write does."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, data_set.pk])


# The data sets whose lock the current write_locked() blocks hold (a write nested in another of the
# same data set needs no lock, transaction or savepoint of its own).
_held: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar(
    "records_write_locks", default=frozenset()
)


def write_locked(data_set: DataSet, work: Callable[[], T]) -> T:
    """`work()` in a transaction holding the data set's lock, run again on a conflict. Inside a
    caller's transaction it is a savepoint of it, and is not run again: only the transaction's owner
    can. Inside another write_locked() of the same data set it is simply part of that one."""
    if data_set.pk in _held.get():
        return work()

    def attempt() -> T:
        with transaction.atomic():
            lock_data_set(data_set)
            token = _held.set(_held.get() | {data_set.pk})
            try:
                return work()
            finally:
                _held.reset(token)

    return retry_on_conflict(attempt)


def empty_data_set(data_set: DataSet) -> int:
    """Delete every record of the data set; returns the count (a single DELETE statement)."""
    return _delete(data_set, Record.objects.filter(data_set_id=data_set.pk))


def delete_record(data_set: DataSet, record_id: str) -> bool:
    """Delete the record with this `_id`; False when there was none."""
    return _delete(data_set, Record.objects.filter(data_set_id=data_set.pk, record_id=record_id)) > 0


def _delete(data_set: DataSet, records: QuerySet[Record]) -> int:
    def write() -> int:
        deleted, _ = records.delete()
        count_changed(data_set.pk, -deleted)
        return deleted

    return write_locked(data_set, write)


def patch_record(data_set: DataSet, record_id: str, document: dict) -> bool:
    """Replace the stored record with `document` plus its `_id`, written now."""
    now = timezone.now()
    document = {**stored_document(document), "_id": record_id}
    text = document.get("_timestamp")
    timestamp = _parse_timestamp(text) if isinstance(text, str) else None

    def write() -> int:
        updated = Record.objects.filter(data_set_id=data_set.pk, record_id=record_id).update(
            data=document,
            updated_at=now,
            timestamp=timestamp,
            size=_json_size(document, timestamp, now) if data_set.capped_size else 0,
        )
        if updated:
            count_changed(data_set.pk, 0)  # the same count, a new write stamp
        if updated and data_set.capped_size:
            enforce_capped_size(data_set)
        return updated

    return write_locked(data_set, write) > 0


def enforce_capped_size(data_set: DataSet) -> int:
    """Remove the oldest records beyond the data set's capped_size; see the module docstring."""
    budget = data_set.capped_size
    if not budget:
        return 0
    return write_locked(data_set, lambda: _trim(data_set.pk, budget))


def _trim(data_set_id: int, budget: int) -> int:
    records = Record.objects.filter(data_set_id=data_set_id)
    total = records.aggregate(total=Sum("size"))["total"] or 0
    if total <= budget:
        return 0
    newest_first = [F("timestamp").desc(nulls_last=True), F("updated_at").desc(), F("id").desc()]
    running = records.annotate(kept=Window(Sum("size"), order_by=newest_first)).filter(kept__gt=budget)
    ids = list(running.values_list("id", flat=True))
    deleted = 0
    for start in range(0, len(ids), BATCH_SIZE):
        # Record has no signal receivers and nothing points at it, so this is Django's fast delete:
        # one DELETE statement per batch, no rows loaded. The data set too, not the ids alone, so
        # that PostgreSQL reads only its partition (docs/deployment.md).
        batch = ids[start : start + BATCH_SIZE]
        count, _ = Record.objects.filter(data_set_id=data_set_id, id__in=batch).delete()
        deleted += count
    count_changed(data_set_id, -deleted)
    return deleted


def count_changed(data_set_id: int, difference: int) -> None:
    """Add `difference` to the data set's record count and move its write stamp on (RecordCount's
    `generation` + 1, `changed_at` now), creating its row at the first write: one upsert, atomic, so
    concurrent writers add up. Call it for every write of the data set's records, also one that
    leaves the count as it was (a replacement, a PATCH): the read API's ETags come from the stamp."""
    table = RecordCount._meta.db_table
    # Never below 0, whatever was written around storage.py: deleting must not fail on a count.
    greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    with connection.cursor() as cursor:
        # The same upsert on PostgreSQL and SQLite.
        cursor.execute(
            f"INSERT INTO {table} (data_set_id, count, generation, changed_at) VALUES (%s, %s, 1, %s) "
            f"ON CONFLICT (data_set_id) DO UPDATE SET count = {greatest}({table}.count + %s, 0), "
            f"generation = {table}.generation + 1, changed_at = excluded.changed_at",
            [
                data_set_id,
                max(difference, 0),
                connection.ops.adapt_datetimefield_value(timezone.now()),
                difference,
            ],
        )


# A batch's records share their few timestamps: each text is parsed once.
@functools.lru_cache(maxsize=4096)
def _parse_timestamp(value: str | None) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _json_size(document: dict, timestamp: datetime.datetime | None, updated_at: datetime.datetime) -> int:
    """The document's size as readers get it (derived fields included), so that a capped size keeps
    as many records as when those fields were stored."""
    whole = full_document(document, timestamp, updated_at)
    return len(json.dumps(whole, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
