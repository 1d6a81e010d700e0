from django.db import models

from stagecraft.apps.records.services import FRESHNESS_CHOICES
from stockandflow.models import FlowEvent


class DataSetFlowEvent(FlowEvent):
    """A data set moving between health stocks (published, unpublished, fresh, stale, never written)."""

    subject = models.ForeignKey(
        "datasets.DataSet", null=True, blank=True, on_delete=models.SET_NULL, related_name="flow_events"
    )

    class Meta(FlowEvent.Meta):
        indexes = [models.Index(fields=["flow", "timestamp"], name="metrics_event_flow_time")]


class DataSetFreshness(models.Model):
    """The freshness the last staleness check saw, so the next check knows what changed."""

    data_set = models.OneToOneField(
        "datasets.DataSet", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=FRESHNESS_CHOICES)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "data set freshness"

    def __str__(self) -> str:
        return f"{self.data_set_id}: {self.state}"
