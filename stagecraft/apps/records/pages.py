"""Every stored record of a data set, read a page at a time: for the passes over a whole data set
(a migration, a schema change's check), with memory flat however many records there are.

    stored_pages(data_set_id: int, page_size: int) -> Iterator[list[StoredRecord]]
        The records in primary-key order, in pages of at most `page_size` (keyset pagination: each
        page's query carries on after the last key of the one before, so it costs the same at the end
        of a data set as at its start).
    StoredRecord(pk, record_id, data)
        `data` is the document as stored (documents.py adds the derived fields for readers).
    reading_pages(data_set_id: int, page_size: int, *, alongside: bool) -> ContextManager[PageReader]
        For a caller that writes while it reads (a migration): PageReader.pages(after=pk, limit=n)
        gives the pages after a primary key, as many as asked. With `alongside`, on PostgreSQL, they
        are read a page ahead, by a thread with a connection of its own, in one REPEATABLE READ, READ
        ONLY transaction (a consistent snapshot of the data set: the same pages whenever they are
        read again), so that the caller may read the next page while its own connection is still
        storing the last (`PageReader.separate` says so). Ask for it only when the caller's
        connection holds no uncommitted change to the data set (only that connection sees those):
        outside any transaction of the caller's caller, say. Otherwise the pages are read on
        Django's connection, between the caller's writes.

Documents come as text and are decoded by orjson (stagecraft.libs.fast_json), exactly as the json
module decodes them at three times its speed: reading was the largest part of a migration's time
after validation.
"""

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import NamedTuple, TypeVar

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import TextField
from django.db.models.functions import Cast

from stagecraft.libs import fast_json

from .models import Record

T = TypeVar("T")


class StoredRecord(NamedTuple):
    pk: int
    record_id: str
    data: dict


def stored_pages(data_set_id: int, page_size: int) -> Iterator[list[StoredRecord]]:
    """See the module docstring."""
    return PageReader(data_set_id, page_size).pages()


class PageReader:
    """A data set's pages, read on Django's connection; or, with a `worker`, in that thread of its
    own, on its connection (see reading_pages), each page read while the caller works on the last."""

    def __init__(self, data_set_id: int, page_size: int, worker: "_ReaderThread | None" = None) -> None:
        self.data_set_id, self.page_size, self.worker = data_set_id, page_size, worker

    @property
    def separate(self) -> bool:
        """Whether the pages are read on a connection of their own."""
        return self.worker is not None

    def pages(self, after: int = 0, limit: int | None = None) -> Iterator[list[StoredRecord]]:
        """The pages of the records whose primary key is above `after`; at most `limit` of them."""
        read = 0
        ahead = self._rows_after(after)
        while limit is None or read < limit:
            rows = ahead.result()
            if not rows:
                return
            read += 1
            after = rows[-1][0]
            if limit is None or read < limit:
                ahead = self._rows_after(after)  # read while the caller works on this page
            yield _page(rows)

    def _rows_after(self, after: int) -> "Future[list[tuple[int, str, str]]]":
        if self.worker is not None:
            return self.worker.submit(self._sql_rows, after)
        rows: Future[list[tuple[int, str, str]]] = Future()
        rows.set_result(
            list(
                Record.objects.filter(data_set_id=self.data_set_id, pk__gt=after)
                .order_by("pk")
                .values_list("pk", "record_id", Cast("data", TextField()))[: self.page_size]
            )
        )
        return rows

    def _sql_rows(self, reader: BaseDatabaseWrapper, after: int) -> list[tuple[int, str, str]]:
        # The ORM can't be pointed at a connection of our own.
        sql = (
            f"SELECT id, record_id, data::text FROM {Record._meta.db_table} "
            "WHERE data_set_id = %s AND id > %s ORDER BY id LIMIT %s"
        )
        with reader.cursor() as cursor:
            cursor.execute(sql, [self.data_set_id, after, self.page_size])
            return cursor.fetchall()


class _ReaderThread:
    """A thread with a connection of its own, in a REPEATABLE READ, READ ONLY transaction: a query
    waits for the database there while the caller's thread works."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stagecraft-page-reader")
        # Made and used in the thread alone (Django's connections belong to the thread that made them).
        self._reader = self._executor.submit(_snapshot_connection).result()

    def submit(self, read: Callable[[BaseDatabaseWrapper, int], T], after: int) -> "Future[T]":
        """`read(connection, after)`, run in the thread."""
        return self._executor.submit(read, self._reader, after)

    def close(self) -> None:
        # The snapshot's transaction only read: closing the connection ends it.
        self._executor.submit(self._reader.close).result()
        self._executor.shutdown()


def _snapshot_connection() -> BaseDatabaseWrapper:
    reader = connections.create_connection(DEFAULT_DB_ALIAS)
    reader.ensure_connection()
    reader.set_autocommit(False)
    reader.connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    reader.connection.read_only = True
    return reader


@contextmanager
def reading_pages(data_set_id: int, page_size: int, *, alongside: bool) -> Iterator[PageReader]:
    """See the module docstring."""
    if not alongside or connection.vendor != "postgresql":
        yield PageReader(data_set_id, page_size)
        return
    worker = _ReaderThread()
    try:
        yield PageReader(data_set_id, page_size, worker)
    finally:
        worker.close()


def _page(rows: list[tuple[int, str, str]]) -> list[StoredRecord]:
    """(pk, record_id, document text) rows as StoredRecords."""
    # The page's documents decoded as one JSON array: one call into orjson for the page rather than
    # one per document (and long integers looked for in the whole page at once).
    pks, record_ids, texts = zip(*rows, strict=True)
    documents = fast_json.loads(f"[{','.join(texts)}]")
    assert isinstance(documents, list)
    assert set(map(type, documents)) <= {dict}, "stored documents are JSON objects"
    return list(map(StoredRecord, pks, record_ids, documents))
