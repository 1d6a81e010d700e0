import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from .documents import full_document


class Record(models.Model):
    """One record of a data set, stored as the data store's document plus indexed columns.

    `data` holds the document as the pipeline leaves it: the client's fields plus `_id` and the time
    fields (`_timestamp`, `_start_at`, `_end_at`, ISO 8601 strings in UTC). `record_id` and
    `timestamp` copy `_id` and `_timestamp` into real columns for uniqueness and time-range reads;
    `updated_at` is the write time. Readers get `document`: `data` plus the fields derived from the
    columns (the `_*_start_at` period fields and `_updated_at`, documents.py).
    Write through stagecraft.apps.records.storage, which keeps these columns in step with `data`.
    Records are not versioned by reversion: there are far too many.
    """

    data_set = models.ForeignKey("datasets.DataSet", on_delete=models.CASCADE, related_name="records")
    record_id = models.CharField(max_length=1000)
    timestamp = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()
    data = models.JSONField()
    # The document's JSON size in bytes, kept only for data sets with a capped_size (storage budget).
    size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["data_set", "record_id"], name="unique_record_id_per_data_set")
        ]
        indexes = [models.Index(fields=["data_set", "timestamp"], name="record_data_set_timestamp")]

    def __str__(self) -> str:
        return f"{self.data_set_id}:{self.record_id}"

    @property
    def document(self) -> dict:
        """The record as readers get it: `data` plus the derived fields (documents.py)."""
        return full_document(self.data, self.timestamp, self.updated_at)


class PendingUpload(models.Model):
    """A parsed upload kept between the admin's preview and its confirmation (upload_preview.py).

    Kept in the database, not in one process's memory, so that the confirmation may reach another
    worker; deleted when stored or cancelled, and refused (then purged) once older than
    upload_preview.PENDING_UPLOAD_MAX_AGE. `records` are the file's rows as records, before the
    pipeline: the confirmation runs the pipeline again, against the data set's schema of that moment.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_set = models.ForeignKey("datasets.DataSet", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    columns = models.JSONField()
    records = models.JSONField()
    # The spreadsheet row of each record (the header is row 1 when nothing comes before it).
    row_numbers = models.JSONField()

    def __str__(self) -> str:
        return f"{self.file_name} for data set {self.data_set_id}"


class TrashBatch(models.Model):
    """Records taken out of a data set together (it was deleted or emptied), kept to be restored.

    `data_set_id` is a plain number, not a foreign key: the data set itself may be gone (a recovered
    data set comes back with the same id). The records are moved in and out by
    stagecraft.apps.records.trash, set-based, and purged by the scheduler after the retention period.
    """

    DELETED = "deleted"
    EMPTIED = "emptied"
    DROPPED = "dropped"
    CAUSES = [
        (DELETED, "the data set was deleted"),
        (EMPTIED, "the data set was emptied in the admin"),
        (DROPPED, "DELETE /data-sets/<name> dropped its records"),
    ]

    data_set_id = models.BigIntegerField(db_index=True)
    data_set_name = models.CharField(max_length=200)
    cause = models.CharField(max_length=10, choices=CAUSES)
    trashed_at = models.DateTimeField(db_index=True)
    trashed_by = models.CharField(max_length=200, blank=True, help_text="Who did it, when known.")
    record_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-trashed_at", "-id"]
        verbose_name = "batch of trashed records"
        verbose_name_plural = "batches of trashed records"

    def __str__(self) -> str:
        when = f"{self.trashed_at:%Y-%m-%d %H:%M}"
        return f"{self.record_count} records of {self.data_set_name} ({self.cause} {when})"


class TrashedRecord(models.Model):
    """A record in the trash: the Record's columns, in its batch."""

    batch = models.ForeignKey(TrashBatch, on_delete=models.CASCADE, related_name="records")
    record_id = models.CharField(max_length=1000)
    timestamp = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()
    data = models.JSONField()
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.record_id}"


class DataSetMigration(models.Model):
    """One mapping of a migrate_data_set run (or dry run), logged so it can be listed and undone.

    The target is named, not linked: it may be deleted later (an undo deletes a target the migration
    created). `config_before` holds the target's configurable fields as they were when the migration
    added to an existing data set (its token only when the mapping changed it); `target_records_after`,
    `target_last_write_after` and `config_after` are how it looked after the migration, so an undo can
    tell whether it has been written or configured since. See data_set_migration/.
    """

    performed_at = models.DateTimeField()
    performed_by = models.CharField(max_length=200, blank=True)
    mapping = models.JSONField(help_text="The mapping, as written in the mapping file (tokens hidden).")
    old_data_set = models.CharField(max_length=200)
    old_label = models.CharField(max_length=110, help_text="The old data set's group/type.")
    new_label = models.CharField(max_length=110, help_text="The target's group/type.")
    target_id = models.BigIntegerField(null=True, blank=True)
    target_name = models.CharField(max_length=200)
    target_created = models.BooleanField(help_text="The migration created the target (else it added to it).")
    config_before = models.JSONField(null=True, blank=True)
    records_read = models.PositiveIntegerField(default=0)
    records_written = models.PositiveIntegerField(default=0)
    records_replaced = models.PositiveIntegerField(
        default=0, help_text="Records of the target the migration overwrote (kept to be put back on undo)."
    )
    records_failed = models.PositiveIntegerField(default=0)
    dry_run = models.BooleanField(default=False)
    rolled_back = models.BooleanField(
        default=False, help_text="Records failed validation: the run was rolled back, nothing was written."
    )
    target_records_after = models.PositiveIntegerField(null=True, blank=True)
    target_last_write_after = models.DateTimeField(null=True, blank=True)
    config_after = models.JSONField(
        null=True,
        blank=True,
        help_text="The target's configuration after the migration (its token as a hash).",
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-performed_at", "-id"]
        verbose_name = "data set migration"

    def __str__(self) -> str:
        return f"#{self.pk} {self.old_label} -> {self.new_label}"

    @property
    def undoable(self) -> bool:
        return not self.dry_run and not self.rolled_back and self.undone_at is None


class MigratedRecord(models.Model):
    """A record a migration wrote into a target that existed: its `_id`, and, when the migration
    replaced a record with that `_id`, the replaced record's columns, to be put back on undo."""

    migration = models.ForeignKey(DataSetMigration, on_delete=models.CASCADE, related_name="migrated_records")
    record_id = models.CharField(max_length=1000)
    replaced = models.BooleanField(default=False)
    timestamp = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["migration", "record_id"], name="unique_migrated_record_per_migration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.migration_id}:{self.record_id}"


class RecordCount(models.Model):
    """How many records a data set holds, kept by storage.py in the transaction of every write, so the
    data set list can show counts without counting 100,000s of rows (docs/records.md, "Record counts").

    A data set without a row has no records: the row is created by its first write.

    `generation` and `changed_at` are the data set's write stamp: every write of its records (an
    insert, a replacement, a PATCH, a delete, a trim, the trash...) adds 1 to `generation` and sets
    `changed_at`, in the same statement as the count, even when the count stays the same. The read
    API's ETags are made from them (views/conditional.py), so a poll of an unchanged data set is
    answered 304 without reading a record.
    """

    data_set = models.OneToOneField(
        "datasets.DataSet", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    count = models.PositiveBigIntegerField(default=0)
    # Database defaults too: storage.py writes this row with raw SQL.
    generation = models.PositiveBigIntegerField(default=0, db_default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.data_set_id}: {self.count} records"


class WriteLogEntry(models.Model):
    """One write request to a data set's records: a POST or an upload (`stored`), a PATCH or DELETE of
    one record, or emptying the data set; not one row per record. Written by writelog.record_write()
    and pruned by the scheduler after settings.STAGECRAFT_WRITE_LOG_DAYS (docs/records.md).
    """

    STORED, PATCHED, DELETED, EMPTIED = "stored", "patched", "deleted", "emptied"
    KINDS = [
        (STORED, "stored records"),
        (PATCHED, "patched a record"),
        (DELETED, "deleted a record"),
        (EMPTIED, "emptied the data set"),
    ]

    data_set = models.ForeignKey("datasets.DataSet", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=KINDS)
    count = models.PositiveIntegerField(help_text="Records stored, patched or deleted by the request.")
    client = models.CharField(
        max_length=200,
        help_text='Who wrote: "data set token", "admin user alice", "collection endpoint token".',
    )
    address = models.CharField(max_length=100, blank=True, default="", help_text="The remote address.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "write log entries"
        indexes = [
            models.Index(fields=["data_set", "at"], name="writelog_data_set_at"),
            models.Index(fields=["at"], name="writelog_at"),
        ]

    def __str__(self) -> str:
        return f"{self.data_set_id} {self.at:%Y-%m-%d %H:%M}: {self.get_kind_display()} ({self.count})"
