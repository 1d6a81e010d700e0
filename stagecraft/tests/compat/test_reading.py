"""Reading records back with the public client's DataSet.get (backdrop-api.md §2, §2.6)."""

import pytest
import requests

from stagecraft.apps.datasets.models import DataSet as DataSetModel

from .client_library import DataSet
from .helpers import NAME, response_of

RECORDS = [
    {"_timestamp": "2012-12-04T10:00:00+00:00", "channel": "paper", "count": 2},
    {"_timestamp": "2012-12-11T10:00:00+00:00", "channel": "paper", "count": 3},
    {"_timestamp": "2012-12-12T10:00:00+00:00", "channel": "digital", "count": 7},
]


def _get(client: DataSet, query: dict | None = None):
    return client.get(query)


@pytest.fixture
def written(data_set_client) -> DataSet:
    data_set_client.post(RECORDS)
    return data_set_client


def test_a_raw_read_returns_the_stored_documents(written):
    body = _get(written, {"sort_by": "count:ascending"})

    assert [row["count"] for row in body["data"]] == [2, 3, 7]
    first = body["data"][0]
    assert first["_timestamp"] == "2012-12-04T10:00:00+00:00"
    assert first["_week_start_at"] == "2012-12-03T00:00:00+00:00"
    assert {"_id", "_updated_at", "channel"} <= set(first)


def test_a_grouped_read_with_collect(written):
    body = _get(written, {"group_by": "channel", "collect": "count:sum"})

    assert body == {
        "data": [
            {"channel": "digital", "_count": 1, "count:sum": 7},
            {"channel": "paper", "_count": 2, "count:sum": 5},
        ]
    }


def test_a_period_read_fills_empty_weeks(written):
    body = _get(
        written,
        {"period": "week", "start_at": "2012-11-26T00:00:00Z", "end_at": "2012-12-17T00:00:00Z"},
    )

    assert body == {
        "data": [
            {"_start_at": "2012-11-26T00:00:00+00:00", "_end_at": "2012-12-03T00:00:00+00:00", "_count": 0},
            {"_start_at": "2012-12-03T00:00:00+00:00", "_end_at": "2012-12-10T00:00:00+00:00", "_count": 1},
            {"_start_at": "2012-12-10T00:00:00+00:00", "_end_at": "2012-12-17T00:00:00+00:00", "_count": 2},
        ]
    }


def test_a_read_by_name_answers_the_same(written, live_server):
    by_name = DataSet.from_name(live_server.url, NAME)
    by_name.retry_on_error = False
    query = {"group_by": "channel"}

    assert _get(by_name, query) == _get(written, query)


def test_a_bad_query_raises_400_with_the_message(written):
    with pytest.raises(requests.HTTPError) as raised:
        _get(written, {"colour": "red"})

    assert response_of(raised).status_code == 400
    assert response_of(raised).json() == {
        "status": "error",
        "message": "An unrecognised parameter was provided",
    }


def test_a_grouped_period_read_nests_the_filled_weeks(written):
    body = _get(
        written,
        {
            "period": "week",
            "group_by": "channel",
            "collect": "count:mean",
            "start_at": "2012-12-03T00:00:00+00:00",
            "end_at": "2012-12-17T00:00:00+00:00",
        },
    )

    assert body["data"][0] == {
        "channel": "digital",
        "_count": 1,
        "_group_count": 1,
        "count:mean": 7.0,
        "values": [
            {"_start_at": "2012-12-03T00:00:00+00:00", "_end_at": "2012-12-10T00:00:00+00:00", "_count": 0,
             "count:mean": None},
            {"_start_at": "2012-12-10T00:00:00+00:00", "_end_at": "2012-12-17T00:00:00+00:00", "_count": 1,
             "count:mean": 7.0},
        ],
    }  # fmt: skip
    assert [row["channel"] for row in body["data"]] == ["digital", "paper"]


def test_a_published_read_is_cacheable_and_open_to_every_origin(written, sent):
    _get(written, {"group_by": "channel"})

    response = requests.get(sent[-1]["url"], params={"group_by": "channel"}, timeout=10)
    assert response.headers["Cache-Control"] == "max-age=1800, must-revalidate"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_an_unpublished_data_set_reads_with_the_warning(live_server, demo):
    client = DataSet.from_group_and_type(f"{live_server.url}/data", "carers-allowance", "monitoring")
    client.retry_on_error = False

    assert _get(client) == {
        "data": [],
        "warning": "Warning: This data-set is unpublished. Data may be subject to change or be inaccurate.",
    }


def test_a_data_set_that_is_not_queryable_reads_as_not_found(live_server, demo):
    DataSetModel.objects.filter(name=NAME).update(queryable=False)
    client = DataSet.from_name(live_server.url, NAME)
    client.retry_on_error = False

    with pytest.raises(requests.HTTPError) as raised:
        _get(client)

    assert response_of(raised).status_code == 404
    assert response_of(raised).json() == {"status": "error", "message": "data_set not found"}
