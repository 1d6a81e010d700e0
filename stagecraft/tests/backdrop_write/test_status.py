"""features/read_api/status.feature: GET /_status/data-sets, with "a record updated N seconds ago"
(the original's step stores a document holding only `_updated_at`, straight into storage).

A record without a `_timestamp` counts from when it was written, as in the original's PostgreSQL
store (its timestamp column falls back to `_updated_at`); before this, such a data set was never
reported, and the out-of-date scenario failed.
"""

import datetime

import pytest

from stagecraft.apps.records.storage import store_documents
from stagecraft.testing.clock import pin_clock

from .helpers import NOW, given_data_set

# The clock stands at NOW for every test; records are written earlier.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def a_record_updated_seconds_ago(data_set, seconds: int) -> None:
    with pin_clock(NOW - datetime.timedelta(seconds=seconds)):
        store_documents(data_set, [{}])


def test_checking_an_in_date_data_set(client):
    data_set = given_data_set("recent", "data", max_age_expected=60)
    a_record_updated_seconds_ago(data_set, 10)
    response = client.get("/_status/data-sets")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "message": "All data_sets are in date", "data_sets": None}


def test_checking_an_out_of_date_data_set(client, django_assert_num_queries):
    data_set = given_data_set("recent", "data", max_age_expected=1)
    a_record_updated_seconds_ago(data_set, 10)
    with django_assert_num_queries(1):
        response = client.get("/_status/data-sets")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {
        "status": "not okay",
        "message": "1 data-set is out of date",
        "data_sets": [
            {
                "name": "recent_data",
                "seconds-out-of-date": 9,
                "last-updated": "2014-09-10T11:59:50+00:00",
                "max-age-expected": 1,
            }
        ],
    }


def test_checking_a_data_set_with_no_max_age_expected(client):
    data_set = given_data_set("recent", "data", max_age_expected=None)
    a_record_updated_seconds_ago(data_set, 10)
    response = client.get("/_status/data-sets")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_the_newest_of_timestamps_and_untimed_writes_counts(client):
    # An old _timestamp written just now, and an untimed record written 10 seconds ago: the later wins.
    data_set = given_data_set("recent", "data", max_age_expected=5)
    a_record_updated_seconds_ago(data_set, 10)
    store_documents(data_set, [{"_timestamp": "2014-09-01T00:00:00+00:00"}])
    body = client.get("/_status/data-sets").json()
    assert body["data_sets"][0]["last-updated"] == "2014-09-10T11:59:50+00:00"
    assert body["data_sets"][0]["seconds-out-of-date"] == 5
