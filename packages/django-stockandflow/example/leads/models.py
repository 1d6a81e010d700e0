from django.db import models
from django.utils import timezone

from stockandflow.models import FlowEvent


class Team(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class Lead(models.Model):
    """A sales lead: hot when it comes in or when someone talks to it, then warm, then cold."""

    TEMPERATURES = [("hot", "Hot"), ("warm", "Warm"), ("cold", "Cold")]

    name = models.CharField(max_length=100)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    temperature = models.CharField(max_length=10, choices=TEMPERATURES, default="hot")
    warmed_at = models.DateTimeField(default=timezone.now, help_text="When it last became hot or warm.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LeadFlowEvent(FlowEvent):
    """A lead moving between temperatures (or arriving, or closed and deleted)."""

    subject = models.ForeignKey(Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta(FlowEvent.Meta):
        indexes = [models.Index(fields=["flow", "timestamp"], name="leads_event_flow_time")]
