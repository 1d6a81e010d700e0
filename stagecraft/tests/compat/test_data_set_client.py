"""The public client's DataSet against the running record store: writes (one record, a list, gzip,
chunks, by name), emptying, errors, and reading back (backdrop-api.md §1 and §2)."""

import base64
import datetime

import pytest
import requests

from stagecraft.apps.datasets.demo import demo_token
from stagecraft.apps.records.models import Record
from stagecraft.testing.clock import frozen_at

from .client_library import DataSet
from .helpers import GROUP, NAME, TYPE, response_of

NOW = datetime.datetime(2014, 1, 20, 12, 0, 0, tzinfo=datetime.UTC)


def _stored() -> dict[str, dict]:
    # As readers get them: the stored document and its derived fields (documents.py).
    return {record.record_id: record.document for record in Record.objects.filter(data_set__name=NAME)}


def _auto_id(*values: str) -> str:
    # auto_ids: the raw values joined with "." and base64-encoded (backdrop-api.md §1.6).
    return base64.b64encode(".".join(values).encode()).decode()


frozen_now = frozen_at(NOW)  # the live server's thread reads the pinned clock too


def test_post_of_one_record_stores_it_with_its_auto_id_and_period_keys(data_set_client, frozen_now):
    result = data_set_client.post({"_timestamp": "2014-01-15T10:30:00+00:00", "channel": "paper", "count": 3})

    assert result == {"status": "ok"}
    record_id = _auto_id("2014-01-15T10:30:00+00:00", "paper")
    assert _stored() == {
        record_id: {
            "_id": record_id,
            "_timestamp": "2014-01-15T10:30:00+00:00",
            "channel": "paper",
            "count": 3,
            "_hour_start_at": "2014-01-15T10:00:00+00:00",
            "_day_start_at": "2014-01-15T00:00:00+00:00",
            "_week_start_at": "2014-01-13T00:00:00+00:00",
            "_month_start_at": "2014-01-01T00:00:00+00:00",
            "_quarter_start_at": "2014-01-01T00:00:00+00:00",
            "_year_start_at": "2014-01-01T00:00:00+00:00",
            "_updated_at": "2014-01-20T12:00:00+00:00",
        }
    }


def test_post_of_a_list_with_datetimes_upserts_by_auto_id(data_set_client):
    # The library encodes datetimes itself: naive ones as UTC, "+00:00".
    records = [
        {"_timestamp": datetime.datetime(2014, 1, 15), "channel": "paper", "count": 1},
        {"_timestamp": datetime.datetime(2014, 1, 15), "channel": "digital", "count": 2},
        {"_timestamp": datetime.datetime(2014, 1, 15), "channel": "paper", "count": 5},  # same _id: last wins
    ]

    assert data_set_client.post(records) == {"status": "ok"}

    stored = _stored()
    assert sorted(stored) == sorted(
        [_auto_id("2014-01-15T00:00:00+00:00", "paper"), _auto_id("2014-01-15T00:00:00+00:00", "digital")]
    )
    assert stored[_auto_id("2014-01-15T00:00:00+00:00", "paper")]["count"] == 5


def test_a_large_post_travels_gzipped_and_is_stored(data_set_client, sent):
    records = [
        {"_timestamp": f"2014-01-{day:02d}T00:00:00+00:00", "channel": f"channel_{n}", "count": n}
        for day in range(1, 29)
        for n in range(3)
    ]

    assert data_set_client.post(records) == {"status": "ok"}

    (request,) = sent
    assert request["headers"]["Content-Encoding"] == "gzip"
    assert len(_stored()) == 84


def test_post_in_chunks_sends_several_requests(data_set_client, sent):
    records = [{"_timestamp": "2014-01-15T00:00:00Z", "channel": f"c{n}", "count": n} for n in range(5)]

    assert data_set_client.post(records, chunk_size=2) is None  # the library returns nothing for chunks

    assert len(sent) == 3
    assert len(_stored()) == 5


def test_invalid_records_raise_400_with_every_message_and_store_nothing(data_set_client):
    with pytest.raises(requests.HTTPError) as raised:
        data_set_client.post([{"_timestamp": "2014-01-15T00:00:00Z", "channel": "paper", "count": "abc"}, {}])

    assert response_of(raised).status_code == 400
    assert response_of(raised).json()["messages"] == [
        "'abc' is not of type 'integer'",
        "'_timestamp' is a required property",
        "'channel' is a required property",
        "'count' is a required property",
        "The following required id fields are missing: _timestamp, channel",
    ]
    assert _stored() == {}


def test_a_wrong_token_raises_401(live_server, demo):
    client = DataSet.from_group_and_type(f"{live_server.url}/data", GROUP, TYPE, token="wrong")
    client.retry_on_error = False

    with pytest.raises(requests.HTTPError) as raised:
        client.post({"_timestamp": "2014-01-15T00:00:00Z", "channel": "paper", "count": 1})

    assert response_of(raised).status_code == 401
    assert response_of(raised).headers["WWW-Authenticate"] == "bearer"
    assert _stored() == {}


def test_an_unknown_data_set_raises_404(live_server, demo):
    client = DataSet.from_group_and_type(f"{live_server.url}/data", GROUP, "nope", token="x")
    client.retry_on_error = False

    with pytest.raises(requests.HTTPError) as raised:
        client.post({"_timestamp": "2014-01-15T00:00:00Z"})

    assert response_of(raised).status_code == 404
    assert response_of(raised).json() == {"status": "error", "message": "Could not find data_set_config"}


def test_empty_data_set_removes_every_record(data_set_client):
    data_set_client.post({"_timestamp": "2014-01-15T00:00:00Z", "channel": "paper", "count": 1})

    assert data_set_client.empty_data_set() == {"status": "ok", "message": f"{NAME} now contains 0 records"}
    assert _stored() == {}


def test_post_by_name_works_with_the_deprecation_warning(live_server, demo):
    client = DataSet.from_name(live_server.url, NAME)
    client.set_token(demo_token(GROUP, TYPE))
    client.retry_on_error = False

    assert client.post({"_timestamp": "2014-01-15T00:00:00Z", "channel": "paper", "count": 1}) == {
        "status": "ok",
        "message": "Deprecation Warning: accessing by data-set name is deprecated, "
        "Please use the /data-group/data-type form",
    }
    assert len(_stored()) == 1
