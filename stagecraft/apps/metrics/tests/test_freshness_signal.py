from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType
from stagecraft.apps.metrics.check import check_freshness
from stagecraft.apps.metrics.models import DataSetFreshness
from stagecraft.apps.metrics.services import freshness_changed
from stagecraft.apps.records.models import Record

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def make_data_set(type_name: str) -> DataSet:
    group, _ = DataGroup.objects.get_or_create(name="carers-allowance")
    data_type, _ = DataType.objects.get_or_create(name=type_name, defaults={"schema": {}})
    return DataSet.objects.create(data_group=group, data_type=data_type, max_age_expected=3600)


@pytest.fixture
def received():
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    freshness_changed.connect(receiver)
    yield calls
    freshness_changed.disconnect(receiver)


def test_the_check_sends_one_signal_per_changed_data_set(db, received):
    data_set = make_data_set("monitoring")
    make_data_set("realtime")  # never written, before and after: no signal
    Record.objects.create(data_set=data_set, record_id="1", timestamp=NOW, updated_at=NOW, data={})
    check_freshness(NOW)
    assert received == []  # the first check only learns the states
    check_freshness(NOW + timedelta(hours=2))
    assert received == [
        {
            "signal": freshness_changed,
            "data_set": data_set,
            "old_state": "fresh",
            "new_state": "stale",
            "at": NOW + timedelta(hours=2),
            "old_since": NOW,
        }
    ]


def test_a_receiver_that_fails_rolls_the_check_back(db):
    data_set = make_data_set("monitoring")
    Record.objects.create(data_set=data_set, record_id="1", timestamp=NOW, updated_at=NOW, data={})
    check_freshness(NOW)

    def failing(sender, **kwargs):
        raise RuntimeError("receiver failed")

    freshness_changed.connect(failing)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            check_freshness(NOW + timedelta(hours=2))
    finally:
        freshness_changed.disconnect(failing)
    assert DataSetFreshness.objects.get(data_set=data_set).state == "fresh"
