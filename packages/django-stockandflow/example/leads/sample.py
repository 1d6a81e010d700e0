"""Sample leads with a history: some weeks of days replayed, so the reports have something to show.

Each replayed day, new leads arrive in the morning, a few warm or cold ones are called (and turn hot
again) in the afternoon, a few cold ones are closed (deleted) in the evening, and at midnight the
schedule runs as cron would have: the decays cool the leads nobody touched, the stocks are counted and
the day's flows recorded. The tracker would stamp events with the real time, so it is disconnected
while the days are replayed and the events are stored explicitly with the time of the replayed day
(Flow.add_events); after loading, every save and deletion goes through the tracker again.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from stockandflow.scheduler import schedule

from . import metrics
from .models import Lead, Team

TEAMS = ["north", "south", "east"]
COMPANIES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
    "Tyrell",
    "Soylent",
]
KINDS = ["Bakery", "Garage", "Florist", "Dental", "Builders", "Books", "Coffee", "Cycles", "Print", "Vets"]


@dataclass
class Loaded:
    days: int
    leads: int
    events: int


class AlreadyLoaded(Exception):
    pass


def load_sample_leads(days: int = 42, seed: int = 20) -> Loaded:
    """Replay `days` days ending today at midnight UTC, then run the schedule once for now."""
    if Lead.objects.exists():
        raise AlreadyLoaded(f"There are already {Lead.objects.count()} leads.")
    rng = random.Random(seed)
    today = datetime.combine(timezone.now().date(), time(), tzinfo=UTC)
    metrics.tracker.disconnect()
    try:
        with transaction.atomic():
            teams = [Team.objects.get_or_create(name=name)[0] for name in TEAMS]
            for day in range(days, 0, -1):
                start = today - timedelta(days=day)
                _arrive(rng, teams, start + timedelta(hours=9))
                _call_some(rng, start + timedelta(hours=15))
                _close_some(rng, start + timedelta(hours=18))
                schedule.run_due(now=start + timedelta(days=1, minutes=1))
    finally:
        metrics.tracker.connect()
    schedule.run_due()
    return Loaded(days, Lead.objects.count(), metrics.LeadFlowEvent.objects.count())


def _arrive(rng: random.Random, teams: list[Team], at: datetime) -> None:
    new = Lead.objects.bulk_create(
        [
            Lead(
                name=f"{rng.choice(COMPANIES)} {rng.choice(KINDS)} {rng.randint(1, 999)}",
                team=rng.choice(teams),
                warmed_at=at,
            )
            for _ in range(rng.randint(2, 6))
        ]
    )
    metrics.arriving.add_events(new, None, metrics.hot, at=at)


def _call_some(rng: random.Random, at: datetime) -> None:
    """A salesperson calls a few warm or cold leads: they turn hot again."""
    for temperature in ("warm", "cold"):
        waiting = list(Lead.objects.filter(temperature=temperature).order_by("pk"))
        called = rng.sample(waiting, min(len(waiting), rng.randint(0, 2)))
        if called:
            Lead.objects.filter(pk__in=[lead.pk for lead in called]).update(temperature="hot", warmed_at=at)
            metrics.reheating.add_events(called, metrics.BY_TEMPERATURE[temperature], metrics.hot, at=at)


def _close_some(rng: random.Random, at: datetime) -> None:
    """A few cold leads are closed: deleted, their events kept."""
    waiting = list(Lead.objects.filter(temperature="cold").order_by("pk"))
    closed = rng.sample(waiting, min(len(waiting), rng.randint(0, 3)))
    metrics.closing.add_events(closed, metrics.cold, None, at=at)
    Lead.objects.filter(pk__in=[lead.pk for lead in closed]).delete()
