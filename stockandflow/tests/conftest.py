from datetime import UTC, datetime

import pytest

from stockandflow.tests.testapp.models import Lead, Profile, Team

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen_now(monkeypatch):
    """Pins django.utils.timezone.now (read at call time by the library and by model defaults)."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
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
