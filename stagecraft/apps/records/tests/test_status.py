"""GET /_status/data-sets: stale data sets by newest _timestamp, one query over all data sets."""

import pytest

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.storage import store_documents

pytestmark = pytest.mark.django_db


def write(data_set, timestamp):
    store_documents(data_set, [{"_timestamp": timestamp}])


def test_it_is_ok_when_nothing_is_stale(client, frozen_now):
    fresh = DataSetFactory.create(max_age_expected=3600)
    write(fresh, "2014-01-20T11:30:00+00:00")
    DataSetFactory.create(max_age_expected=60)  # never written: never reported
    response = client.get("/_status/data-sets")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "message": "All data_sets are in date", "data_sets": None}
    assert response["Cache-Control"] == "no-cache"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_it_lists_stale_data_sets_by_their_newest_timestamp(client, frozen_now, django_assert_num_queries):
    stale = DataSetFactory.create(data_group__name="aaa", max_age_expected=3600)
    write(stale, "2014-01-20T10:00:00+00:00")
    write(stale, "2014-01-19T10:00:00+00:00")  # written later, but older data
    unmonitored = DataSetFactory.create(max_age_expected=None)
    write(unmonitored, "2010-01-01T00:00:00+00:00")
    untimed = DataSetFactory.create(max_age_expected=1)
    store_documents(untimed, [{"name": "no timestamp"}])
    with django_assert_num_queries(1):
        response = client.get("/_status/data-sets")
    assert response.status_code == 200
    assert response.json() == {
        "status": "not okay",
        "message": "1 data-set is out of date",
        "data_sets": [
            {
                "name": stale.name,
                "seconds-out-of-date": 3600,
                "last-updated": "2014-01-20T10:00:00+00:00",
                "max-age-expected": 3600,
            }
        ],
    }


def test_it_counts_a_data_set_exactly_at_its_limit_as_stale(client, frozen_now):
    for name in ("aa", "bb"):
        write(
            DataSetFactory.create(data_group__name=name, max_age_expected=7200), "2014-01-20T10:00:00+00:00"
        )
    body = client.get("/_status/data-sets").json()
    assert body["message"] == "2 data-sets are out of date"
    assert [item["seconds-out-of-date"] for item in body["data_sets"]] == [0, 0]


def test_it_answers_only_get(client, db):
    assert client.post("/_status/data-sets").status_code == 405
