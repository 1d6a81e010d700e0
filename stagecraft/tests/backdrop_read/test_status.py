"""features/read_api/status.feature: GET /_status/data-sets and max_age_expected.

As in the scenario, "a record updated 10 seconds ago" has no `_timestamp`: it counts from when it
was written (docs/records.md, Data set freshness).
"""

from datetime import UTC, datetime, timedelta

import pytest

from stagecraft.apps.records.models import Record
from stagecraft.apps.records.tests.read.records import stored_document
from stagecraft.testing.clock import pin_clock

NOW = datetime(2014, 1, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def recent(data_set):
    def make(max_age_expected):
        made = data_set("recent", max_age_expected=max_age_expected)
        written_at = NOW - timedelta(seconds=10)
        document, _ = stored_document({})
        Record.objects.create(data_set=made, record_id=document["_id"], updated_at=written_at, data=document)
        return made

    return make


def status(go):
    with pin_clock(NOW):
        return go("/_status/data-sets")


def test_an_in_date_data_set_is_ok(recent, go):
    recent(60)

    response = status(go)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_an_out_of_date_data_set_is_not_okay(recent, go):
    recent(1)

    response = status(go)

    assert response.status_code == 200
    assert response.json()["status"] == "not okay"
    assert response.json()["data_sets"] == [
        {
            "name": "recent",
            "seconds-out-of-date": 9,
            "last-updated": "2014-01-20T11:59:50+00:00",
            "max-age-expected": 1,
        }
    ]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_data_set_with_no_max_age_expected_is_not_checked(recent, go):
    recent(None)

    response = status(go)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
