"""The trash: records of deleted or emptied data sets, kept to be restored until they are purged.

Deleting a data set (any way: the admin, a queryset, undoing a migration), emptying it in the admin and
the data store's DELETE /data-sets/<name> move its records into a TrashBatch instead of destroying
them. They stay there for settings.RECORDS_TRASH_RETENTION_DAYS days (30 by default), then the
scheduler purges them. Until then:

- recovering a deleted data set (the admin's *Recover deleted*) brings its records back;
- an emptied data set's page lists its batches, each restorable.

`PUT []` on the write API and the capped-size trim stay destructive: they are the data store's normal
replacement cycle, not a mistake to undo.

Moving is set-based, inside the database, never loading a record into Python. On PostgreSQL one
statement does both halves (a DELETE ... RETURNING feeding an INSERT), so exactly the rows deleted
are the rows trashed, even with writers running. On SQLite, INSERT ... SELECT then DELETE: SQLite
lets no other writer in between, as the transaction holds the database's write lock from the first.

    trash_records(data_set, cause, by="") -> TrashBatch | None
    restore_batch(batch, data_set) -> Restored
    restore_deleted(data_set) -> Restored
    purge_expired(now) -> int
"""

import contextlib
import contextvars
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from stagecraft.apps.datasets.services import DataSet

from .models import Record, TrashBatch, TrashedRecord
from .storage import count_changed, enforce_capped_size, write_locked

_COLUMNS = "record_id, timestamp, updated_at, data, size"
# Who is deleting, for the batches made by the pre_delete receiver (which has no request).
_acting = contextvars.ContextVar("trash_acting", default="")


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.RECORDS_TRASH_RETENTION_DAYS)


def kept_until(trashed_at: datetime.datetime) -> datetime.datetime:
    """When records trashed at `trashed_at` become due for purging."""
    return trashed_at + retention()


@contextlib.contextmanager
def acting_as(who: str) -> Iterator[None]:
    """Name who deletes data sets inside the block, for the trash batches it makes."""
    token = _acting.set(who)
    try:
        yield
    finally:
        _acting.reset(token)


def trash_records(data_set: DataSet, cause: str, by: str = "") -> TrashBatch | None:
    """Move every record of the data set into a new batch; None when it had no records. A write like
    any other: under the data set's lock, its record count kept (storage.py)."""

    def move() -> TrashBatch | None:
        batch = TrashBatch.objects.create(
            data_set_id=data_set.pk,
            data_set_name=data_set.name,
            cause=cause,
            trashed_at=timezone.now(),
            trashed_by=by or _acting.get(),
        )
        moved = _move_into_trash(data_set.pk, batch.pk)
        if not moved:
            batch.delete()
            return None
        count_changed(data_set.pk, -moved)
        batch.record_count = moved
        batch.save(update_fields=["record_count"])
        return batch

    return write_locked(data_set, move)


def _move_into_trash(data_set_id: int, batch_id: int) -> int:
    records, trashed = Record._meta.db_table, TrashedRecord._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH moved AS (DELETE FROM {records} WHERE data_set_id = %s RETURNING {_COLUMNS}) "
                f"INSERT INTO {trashed} (batch_id, {_COLUMNS}) SELECT %s, {_COLUMNS} FROM moved",
                [data_set_id, batch_id],
            )
            return cursor.rowcount
        cursor.execute(
            f"INSERT INTO {trashed} (batch_id, {_COLUMNS}) "
            f"SELECT %s, {_COLUMNS} FROM {records} WHERE data_set_id = %s",
            [batch_id, data_set_id],
        )
        moved = cursor.rowcount
        cursor.execute(f"DELETE FROM {records} WHERE data_set_id = %s", [data_set_id])
        return moved


@dataclass(frozen=True)
class Restored:
    """What a restore did: records put back, and records left out because the data set holds a newer
    record with the same `_id` (written after the batch was trashed: the newer write wins)."""

    restored: int = 0
    skipped: int = 0

    def __add__(self, other: "Restored") -> "Restored":
        return Restored(self.restored + other.restored, self.skipped + other.skipped)


def restore_batch(batch: TrashBatch, data_set: DataSet) -> Restored:
    """Put the batch's records back into the data set and drop the batch.

    A record whose `_id` the data set holds again is left out (the stored one is newer). The capped
    size applies afterwards, as after any write.
    """
    records, trashed = Record._meta.db_table, TrashedRecord._meta.db_table

    def restore() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {records} (data_set_id, {_COLUMNS}) "
                f"SELECT %s, {_COLUMNS} FROM {trashed} WHERE batch_id = %s "
                "ON CONFLICT (data_set_id, record_id) DO NOTHING",
                [data_set.pk, batch.pk],
            )
            restored = cursor.rowcount
            cursor.execute(f"DELETE FROM {trashed} WHERE batch_id = %s", [batch.pk])
        count_changed(data_set.pk, restored)
        TrashBatch.objects.filter(pk=batch.pk).delete()
        if data_set.capped_size:
            enforce_capped_size(data_set)
        return restored

    restored = write_locked(data_set, restore)
    return Restored(restored, batch.record_count - restored)


def batches_of(data_set_id: int) -> QuerySet[TrashBatch]:
    """The data set's batches still in the trash, newest first."""
    return TrashBatch.objects.filter(data_set_id=data_set_id).order_by("-trashed_at", "-id")


def deleted_batches(data_set_id: int) -> QuerySet[TrashBatch]:
    """The batches made when the data set (with this id) was deleted, newest first."""
    return batches_of(data_set_id).filter(cause=TrashBatch.DELETED)


def restore_deleted(data_set: DataSet) -> Restored:
    """Bring back the records trashed when this data set was deleted (it has been recovered).

    Newest batch first, so if it was deleted more than once the latest records win.
    """
    total = Restored()
    for batch in deleted_batches(data_set.pk):
        total += restore_batch(batch, data_set)
    return total


def purge_expired(now: datetime.datetime) -> int:
    """Destroy the batches trashed more than the retention period before `now`; returns the number
    of records destroyed. Two statements (records, then batches), whatever the number of records."""
    expired = TrashBatch.objects.filter(trashed_at__lt=now - retention())
    with transaction.atomic():
        records, _ = TrashedRecord.objects.filter(batch__in=expired).delete()
        expired.delete()
    return records


def on_data_set_delete(sender: type[DataSet], instance: DataSet, **kwargs: Any) -> None:
    """pre_delete receiver: a data set's records go to the trash before it is deleted.

    Runs inside the deletion's transaction, before the cascade that would destroy the records, on
    every path (admin, queryset, instance), so no deletion loses records.
    """
    trash_records(instance, TrashBatch.DELETED)
