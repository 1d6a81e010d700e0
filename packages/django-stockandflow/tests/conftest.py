from datetime import UTC, datetime

import pytest

from tests.testapp.models import Lead, Profile, Team

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
