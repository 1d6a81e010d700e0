from datetime import UTC, datetime, timedelta

import pytest

from stockandflow.flows import record_flows
from stockandflow.stocks import record_stocks
from tests.testapp import metrics
from tests.testapp.models import Lead, LeadFlowEvent, Profile, Team

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen_now(time_machine) -> datetime:
    """Pins the clock at NOW (time-machine): timezone.now(), model defaults and the library read it."""
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def teams(db):
    return {name: Team.objects.create(name=name) for name in ("red", "blue")}


@pytest.fixture
def leads(teams, frozen_now):
    north = Profile.objects.create(region="north")
    return [
        Lead.objects.create(name="ann", team=teams["red"], profile=north),
        Lead.objects.create(name="bob", team=teams["red"], temperature="warm", is_active=False),
        Lead.objects.create(name="cy", team=teams["blue"], temperature="cold", profile=north),
        Lead.objects.create(name="dee", team=None, temperature="warm"),
    ]


@pytest.fixture
def recorded(leads, frozen_now):
    """The leads' events an hour ago, two stock counts and the flow records of the last day."""
    LeadFlowEvent.objects.update(timestamp=frozen_now - timedelta(hours=1))
    record_stocks(metrics.process.stocks, at=frozen_now - timedelta(days=1))
    record_stocks(metrics.process.stocks, at=frozen_now - timedelta(hours=1))
    record_flows(metrics.process.flows, frozen_now - timedelta(days=1), frozen_now)
