from django.db import models


class Record(models.Model):
    """One record of a data set, stored as the data store's document plus indexed columns.

    `data` holds the whole document as readers get it back: the client's fields plus the internal
    ones (`_id`, `_timestamp`, the `_*_start_at` period fields and `_updated_at`, datetimes as
    ISO 8601 strings in UTC). `record_id`, `timestamp` and `updated_at` copy `_id`, `_timestamp`
    and `_updated_at` into real columns for uniqueness, time-range reads and staleness checks.
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
