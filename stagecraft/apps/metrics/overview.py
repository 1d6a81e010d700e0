"""The platform's health at a glance, for the admin index: how many data sets are live, stale, never
written and unpublished (the tiles), and which went stale most recently. Two queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from stagecraft.apps.datasets.services import DataSet
from stagecraft.apps.records.services import FRESH, NEVER, STALE, with_freshness, with_stale_since

RECENTLY_STALE = 5


@dataclass(frozen=True)
class Overview:
    live: int  # fresh by the one rule: in date, or not monitored
    stale: int
    never: int
    unpublished: int
    total: int
    recently_stale: list[DataSet]  # annotated with last_updated, freshness and stale_since


def health_overview(now: datetime.datetime | None = None) -> Overview:
    now = now or timezone.now()
    counts = with_freshness(DataSet.objects.all(), now).aggregate(
        live=Count("pk", filter=Q(freshness=FRESH)),
        stale=Count("pk", filter=Q(freshness=STALE)),
        never=Count("pk", filter=Q(freshness=NEVER)),
        unpublished=Count("pk", filter=Q(published=False)),
        total=Count("pk"),
    )
    recently_stale = list(
        with_stale_since(DataSet.objects.all(), now)
        .filter(freshness=STALE)
        .order_by(F("stale_since").desc(nulls_last=True), "name")[:RECENTLY_STALE]
    )
    return Overview(recently_stale=recently_stale, **counts)
