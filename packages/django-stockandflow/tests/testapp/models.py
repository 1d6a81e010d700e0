from django.db import models
from django.utils import timezone

from stockandflow.models import FlowEvent


class Team(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    region = models.CharField(max_length=20)

    def __str__(self) -> str:
        return self.region


class Lead(models.Model):
    """A sales lead: hot when new, then warm, then cold; active or not."""

    name = models.CharField(max_length=50)
    temperature = models.CharField(
        max_length=10, default="hot", choices=[("hot", "Hot"), ("warm", "Warm"), ("cold", "Cold")]
    )
    is_active = models.BooleanField(default=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    profile = models.ForeignKey(Profile, null=True, blank=True, on_delete=models.SET_NULL)
    warmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LeadFlowEvent(FlowEvent):
    subject = models.ForeignKey(Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
