"""The one freshness rule (stagecraft/apps/records/freshness.py), seen the same way on the three
places that show it: /_status/data-sets, the data set's admin page and the metrics' health stocks."""

import datetime
from typing import Any

import pytest
import time_machine

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.metrics.definitions import data_sets_with_freshness
from stagecraft.apps.records.models import Record

NOW = datetime.datetime(2014, 1, 20, 12, 0, tzinfo=datetime.UTC)
HOUR = 3600

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _record(data_set, record_id: str, timestamp: datetime.datetime | None, written: datetime.datetime):
    Record.objects.create(
        data_set=data_set,
        record_id=record_id,
        timestamp=timestamp,
        updated_at=written,
        data={"_id": record_id},
    )


def _on_the_status_page(client, data_set) -> bool:
    names = [row["name"] for row in client.get("/_status/data-sets").json()["data_sets"] or []]
    return data_set.name in names


def _on_the_admin_page(admin_client, data_set) -> str:
    page = admin_client.get(f"/admin/datasets/dataset/{data_set.pk}/change/").content.decode()
    if "never written" in page:
        return "never"
    return "stale" if ">stale</strong>" in page else "fresh"


def _in_the_stocks(data_set) -> str:
    # Any: `freshness` is an annotation, which the model's type doesn't declare.
    annotated: Any = data_sets_with_freshness().get(pk=data_set.pk)
    return str(annotated.freshness)


def test_a_data_set_exactly_its_max_age_old_is_stale_everywhere(client, admin_client):
    data_set = DataSetFactory(max_age_expected=HOUR)
    _record(data_set, "a", NOW - datetime.timedelta(seconds=HOUR), NOW - datetime.timedelta(seconds=HOUR))

    assert _on_the_status_page(client, data_set)
    assert _on_the_admin_page(admin_client, data_set) == "stale"
    assert _in_the_stocks(data_set) == "stale"


def test_a_second_younger_it_is_fresh_everywhere(client, admin_client):
    data_set = DataSetFactory(max_age_expected=HOUR)
    moment = NOW - datetime.timedelta(seconds=HOUR - 1)
    _record(data_set, "a", moment, moment)

    assert not _on_the_status_page(client, data_set)
    assert _on_the_admin_page(admin_client, data_set) == "fresh"
    assert _in_the_stocks(data_set) == "fresh"


def test_untimed_records_count_from_when_they_were_written_everywhere(client, admin_client):
    data_set = DataSetFactory(max_age_expected=HOUR)
    _record(data_set, "untimed", None, NOW - datetime.timedelta(hours=5))

    assert _on_the_status_page(client, data_set)
    assert _on_the_admin_page(admin_client, data_set) == "stale"
    assert _in_the_stocks(data_set) == "stale"


def test_the_later_of_the_newest_timestamp_and_the_newest_untimed_write_counts(client, admin_client):
    data_set = DataSetFactory(max_age_expected=HOUR)
    _record(data_set, "old", NOW - datetime.timedelta(days=3), NOW - datetime.timedelta(days=3))
    _record(data_set, "untimed", None, NOW - datetime.timedelta(minutes=5))

    assert not _on_the_status_page(client, data_set)
    assert _on_the_admin_page(admin_client, data_set) == "fresh"
    assert _in_the_stocks(data_set) == "fresh"


def test_a_data_set_without_records_is_never_written_and_not_reported_stale(client, admin_client):
    data_set = DataSetFactory(max_age_expected=HOUR)

    assert not _on_the_status_page(client, data_set)
    assert _on_the_admin_page(admin_client, data_set) == "never"
    assert _in_the_stocks(data_set) == "never"


def test_an_unmonitored_data_set_is_never_stale(client, admin_client):
    data_set = DataSetFactory(max_age_expected=None)
    _record(data_set, "a", NOW - datetime.timedelta(days=300), NOW - datetime.timedelta(days=300))

    assert not _on_the_status_page(client, data_set)
    assert _in_the_stocks(data_set) == "fresh"
