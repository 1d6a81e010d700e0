"""The tests' clock-pinning helper (stagecraft/testing/clock.py) reaches everything that reads the time."""

import datetime
import time

import pytest
from django.utils import timezone

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record
from stagecraft.apps.records.storage import store_documents
from stagecraft.testing.clock import frozen_at, pin_clock

NOW = datetime.datetime(2014, 1, 20, 12, 0, tzinfo=datetime.UTC)

frozen_now = frozen_at(NOW)


def test_the_fixture_stands_the_clock_at_its_moment(frozen_now):
    assert frozen_now == NOW
    assert timezone.now() == NOW
    assert time.time() == NOW.timestamp()


@pytest.mark.django_db
def test_auto_now_fields_and_the_stores_write_time_see_the_pinned_clock(frozen_now):
    data_set = DataSetFactory.create()
    assert (data_set.created, data_set.modified) == (NOW, NOW)

    earlier = NOW - datetime.timedelta(hours=1)
    with pin_clock(earlier):
        store_documents(data_set, [{"_id": "a", "_timestamp": "2014-01-19T00:00:00+00:00"}])
    assert timezone.now() == NOW

    record = Record.objects.get()
    assert record.updated_at == earlier
    assert record.document["_updated_at"] == earlier.isoformat()


def test_it_refuses_a_naive_moment():
    with pytest.raises(ValueError, match="aware datetime"):
        pin_clock(datetime.datetime(2014, 1, 20, 12, 0))
