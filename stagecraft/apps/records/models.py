from django.db import models
from django.utils import timezone


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


class RecordCount(models.Model):
    """How many records a data set holds, kept by storage.py in the transaction of every write, so the
    data set list can show counts without counting 100,000s of rows (docs/records.md, "Record counts").

    A data set without a row has no records: the row is created by its first write.
    """

    data_set = models.OneToOneField(
        "datasets.DataSet", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    count = models.PositiveBigIntegerField(default=0)

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
