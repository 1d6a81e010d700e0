import uuid

from django.conf import settings
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
