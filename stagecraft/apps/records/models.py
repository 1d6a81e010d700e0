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
