"""Records of counts (stocks and flows), the abstract flow event, and the scheduler's claims."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone


class StockRecord(models.Model):
    """The count of one stock at one moment. One table holds the records of every stock."""

    stock = models.SlugField(max_length=100)
    timestamp = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["stock", "timestamp"], name="sf_stockrecord_stock_time")]
        ordering = ["stock", "timestamp"]

    def __str__(self) -> str:
        return f"{self.stock} at {self.timestamp:%Y-%m-%d %H:%M}: {self.count}"


class StockFacetRecord(models.Model):
    """The count of the members of a stock that have one value of one facet, at the record's moment."""

    stock_record = models.ForeignKey(StockRecord, on_delete=models.CASCADE, related_name="facet_records")
    facet = models.SlugField(max_length=100)
    value = models.CharField(max_length=255)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["stock_record", "facet", "value"]

    def __str__(self) -> str:
        return f"{self.stock_record.stock} {self.facet}={self.value}: {self.count}"


class FlowEvent(models.Model):
    """An object moving from one stock to another, at a moment.

    Abstract: each model whose objects flow has its own concrete subclass with a `subject` foreign key
    (nullable, on_delete=SET_NULL, so that the events of deleted objects are kept), which avoids a
    generic foreign key. `source` and `sink` hold a stock's slug, the text of a stand-in value, or
    NULL for None (outside every tracked stock). `facet_values` keeps the subject's value of each of
    the flow's facets when the event happened (as {facet slug: value label}), so that breakdowns of
    past events don't change when subjects do.
    """

    flow = models.SlugField(max_length=100)
    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(max_length=100, null=True, blank=True)
    sink = models.CharField(max_length=100, null=True, blank=True)
    subject_label = models.CharField(
        max_length=255, blank=True, default="", help_text="The subject's name when the event happened."
    )
    facet_values = models.JSONField(
        default=dict,
        blank=True,
        help_text="The subject's facet values when the event happened: {facet slug: value}.",
    )

    class Meta:
        abstract = True
        ordering = ["-timestamp"]

    def __str__(self) -> str:
        return f"{self.flow}: {self.subject_label} ({self.source} -> {self.sink})"

    @classmethod
    def subject_model(cls) -> type[models.Model] | None:
        """The model `subject` points at, once Django has resolved it (None before, or without one)."""
        try:
            related = cls._meta.get_field("subject").related_model
        except FieldDoesNotExist:
            return None
        return related if isinstance(related, type) else None


class FlowRecord(models.Model):
    """How many events a flow had in one period [period_start, period_end)."""

    flow = models.SlugField(max_length=100)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["flow", "period_start", "period_end"], name="sf_one_flowrecord_per_period"
            )
        ]
        ordering = ["flow", "period_start"]

    def __str__(self) -> str:
        return f"{self.flow} {self.period_start:%Y-%m-%d %H:%M}: {self.count}"


class FlowFacetRecord(models.Model):
    """How many of a flow record's events had subjects with one value of one facet."""

    flow_record = models.ForeignKey(FlowRecord, on_delete=models.CASCADE, related_name="facet_records")
    facet = models.SlugField(max_length=100)
    value = models.CharField(max_length=255)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["flow_record", "facet", "value"]

    def __str__(self) -> str:
        return f"{self.flow_record.flow} {self.facet}={self.value}: {self.count}"


class ScheduledRun(models.Model):
    """A claim on one period of one scheduled task.

    The unique (task, period_start) row is inserted in the same transaction as the task's work, so a
    period is either done and claimed or neither, and a second machine trying the same period waits
    for the first and then fails its insert instead of running the task again.
    """

    task = models.CharField(max_length=200)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    ran_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "period_start"], name="sf_one_run_per_task_period")
        ]
        ordering = ["task", "-period_start"]

    def __str__(self) -> str:
        return f"{self.task} {self.period_start:%Y-%m-%d %H:%M}"
