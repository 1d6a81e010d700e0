"""POST /data/<group>/<type> and the deprecated POST /<name>: status, body and the rows left."""

import pytest
from django.db import connection

from stagecraft.apps.records.models import Record

from .helpers import TS, post

pytestmark = pytest.mark.django_db
URL = "/data/carers-allowance/journey"


def test_it_stores_one_object(client, data_set, frozen_now):
    response = post(client, URL, {"_timestamp": TS, "visits": 3, "_id": "r1"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-cache"
    record = Record.objects.get()
    assert record.data_set == data_set
    assert record.data == {"_timestamp": "2014-01-20T10:00:00+00:00", "visits": 3, "_id": "r1"}
    assert record.document == {
        **record.data,
        "_hour_start_at": "2014-01-20T10:00:00+00:00",
        "_day_start_at": "2014-01-20T00:00:00+00:00",
        "_week_start_at": "2014-01-20T00:00:00+00:00",
        "_month_start_at": "2014-01-01T00:00:00+00:00",
        "_quarter_start_at": "2014-01-01T00:00:00+00:00",
        "_year_start_at": "2014-01-01T00:00:00+00:00",
        "_updated_at": "2014-01-20T12:00:00+00:00",
    }


def test_it_stores_a_list(client, data_set):
    response = post(client, URL, [{"_timestamp": TS, "num": i} for i in range(3)])
    assert response.status_code == 200
    assert sorted(r.data["num"] for r in Record.objects.all()) == [0, 1, 2]


def test_it_accepts_an_empty_list(client, data_set):
    response = post(client, URL, [])
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert Record.objects.count() == 0


def test_it_upserts_by_auto_id(client, transactions_data_set):
    url = "/data/carers-allowance/transactions-by-channel"
    post(client, url, [{"_timestamp": TS, "channel": "web", "count": 1, "note": "old"}])
    response = post(client, url, [{"_timestamp": TS, "channel": "web", "count": 5}])
    assert response.status_code == 200
    record = Record.objects.get()
    assert record.record_id == "MjAxNC0wMS0yMFQxMDowMDowMFoud2Vi"
    assert record.data["count"] == 5
    assert "note" not in record.data


def test_later_duplicates_in_a_posted_batch_win(client, data_set):
    post(client, URL, [{"_timestamp": TS, "_id": "a", "num": 1}, {"_timestamp": TS, "_id": "a", "num": 2}])
    assert Record.objects.get().data["num"] == 2


def test_it_stores_nothing_when_one_record_is_bad(client, transactions_data_set):
    url = "/data/carers-allowance/transactions-by-channel"
    response = post(
        client,
        url,
        [
            {"_timestamp": TS, "channel": "web", "count": 1},
            {"_timestamp": "invalid", "channel": "post", "count": "x"},
            {"_timestamp": TS, "channel": "phone", "count": 2, "a": 1},
        ],
    )
    assert response.status_code == 400
    assert response.json()["messages"] == [
        "'invalid' is not a 'date-time'",
        "'x' is not of type 'integer'",
        "the _timestamp must be a date in the format yyyy-MM-ddT00:00:00Z",
        "_timestamp is not a valid datetime object",
        "a is not a valid key",
    ]
    assert Record.objects.count() == 0


def test_each_error_names_its_record_and_field_beside_the_messages(client, transactions_data_set):
    url = "/data/carers-allowance/transactions-by-channel"
    response = post(
        client,
        url,
        [
            {"_timestamp": TS, "channel": "web", "count": 1},
            {"_timestamp": "invalid", "channel": "post", "count": "x"},
            {"_timestamp": TS, "channel": "phone", "count": 2, "a": 1},
        ],
    )
    body = response.json()
    assert body["errors"] == [
        {"index": 1, "field": "_timestamp", "message": "'invalid' is not a 'date-time'"},
        {"index": 1, "field": "count", "message": "'x' is not of type 'integer'"},
        {
            "index": 1,
            "field": "_timestamp",
            "message": "the _timestamp must be a date in the format yyyy-MM-ddT00:00:00Z",
        },
        {"index": 1, "field": "_timestamp", "message": "_timestamp is not a valid datetime object"},
        {"index": 2, "field": "a", "message": "a is not a valid key"},
    ]
    assert [error["message"] for error in body["errors"]] == body["messages"]
    assert sorted(body) == ["errors", "messages"]


def test_missing_id_fields_name_the_first_record_that_lacks_some(client, transactions_data_set):
    # As the original data store: it listed the id fields missing from the first record lacking any.
    records = [{"_timestamp": "2014-01-20T00:00:00Z", "channel": "web", "count": 1}, {"count": 1}]
    response = post(client, "/data/carers-allowance/transactions-by-channel", records)
    assert response.json()["errors"][-1] == {
        "index": 1,
        "field": "_timestamp, channel",
        "message": "The following required id fields are missing: _timestamp, channel",
    }


def test_it_rolls_back_the_batch_when_storing_fails(client, data_set, monkeypatch):
    from stagecraft.apps.records import pipeline, storage

    calls = []
    real_upsert_chunks = storage.upsert_chunks

    def fail_on_second_chunk(data_set_id, updated_at, chunks):
        def chunks_then_failure():
            for rows in chunks:
                calls.append(len(rows))
                if len(calls) == 2:
                    raise RuntimeError("database went away")
                yield rows

        return real_upsert_chunks(data_set_id, updated_at, chunks_then_failure())

    # The first chunk's statement is sent (on PostgreSQL, in the pipeline) before the second fails.
    monkeypatch.setattr(pipeline, "CHUNK_SIZE", 2)
    monkeypatch.setattr(pipeline, "FIRST_CHUNK_SIZE", 2)
    monkeypatch.setattr(storage, "upsert_chunks", fail_on_second_chunk)
    client.raise_request_exception = False
    response = post(client, URL, [{"_timestamp": TS, "_id": f"r{i}"} for i in range(4)])
    assert response.status_code == 500
    assert calls == [2, 2]
    assert Record.objects.count() == 0


@pytest.mark.parametrize(("payload", "kind"), [("abc", "a string"), (5, "a number"), (True, "a boolean")])
def test_it_rejects_a_json_scalar(client, data_set, payload, kind):
    response = post(client, URL, payload)
    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": f"Expected a JSON object or a list of JSON objects, not {kind}.",
    }


def test_it_rejects_null(client, data_set):
    response = post(client, URL, None)
    assert response.status_code == 400
    assert "not null" in response.json()["message"]


def test_it_rejects_a_list_with_non_objects(client, data_set):
    response = post(client, URL, [{"_timestamp": TS}, 1, [2]])
    assert response.status_code == 400
    assert response.json() == {
        "messages": ["Record 2 is not a JSON object", "Record 3 is not a JSON object"],
        "errors": [
            {"index": 1, "field": None, "message": "Record 2 is not a JSON object"},
            {"index": 2, "field": None, "message": "Record 3 is not a JSON object"},
        ],
    }
    assert Record.objects.count() == 0


def test_it_answers_non_string_timestamps_with_400(client, data_set):
    response = post(client, URL, {"_timestamp": 1234})
    assert response.status_code == 400
    assert "the _timestamp must be a date in the format yyyy-MM-ddT00:00:00Z" in response.json()["messages"]


def test_it_rejects_an_unknown_data_set(client, data_set):
    response = post(client, "/data/carers-allowance/nope", [{"_timestamp": TS}])
    assert response.status_code == 404
    assert response.json() == {"status": "error", "message": "Could not find data_set_config"}


def test_it_logs_the_write_without_the_token(client, data_set, records_log):
    post(client, URL, [{"_timestamp": TS}, {"_timestamp": TS}], HTTP_USER_AGENT="collector/1.0")
    [line] = [r.getMessage() for r in records_log.records if r.name == "stagecraft.records"]
    assert line == (
        "POST carers_allowance_journey: stored records, count=2, "
        "caller=the data set's token from 127.0.0.1, user_agent='collector/1.0'"
    )
    assert "secret" not in records_log.text


def test_a_batch_costs_a_fixed_number_of_queries(client, data_set, django_assert_num_queries):
    # The data set; SAVEPOINT, its write lock (PostgreSQL only), the id sequence's last value
    # (PostgreSQL, to count the new rows), the INSERT ... ON CONFLICT (one per chunk: the first of
    # 50 records, then 250 each), the record count, the write log's row, RELEASE (on SQLite a look-up
    # of the chunk's ids, to count the new ones, instead of the lock and the sequence).
    queries = 7 if connection.vendor == "sqlite" else 8
    with django_assert_num_queries(queries):
        post(client, URL, [{"_timestamp": TS} for _ in range(5)])
    with django_assert_num_queries(queries):
        post(client, URL, [{"_timestamp": TS} for _ in range(50)])
    if connection.vendor == "postgresql":  # (SQLite splits a chunk's INSERT by its bound-parameter limit)
        with django_assert_num_queries(queries + 1):
            post(client, URL, [{"_timestamp": TS} for _ in range(300)])


# -- the deprecated POST /<name> ---------------------------------------------------------------


def test_it_writes_by_name_with_a_deprecation_warning(client, data_set):
    response = post(client, "/carers_allowance_journey", [{"_timestamp": TS}])
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "message": "Deprecation Warning: accessing by data-set name is deprecated, "
        "Please use the /data-group/data-type form",
    }
    assert Record.objects.count() == 1


def test_writing_by_an_unknown_name_answers_404(client, data_set):
    response = post(client, "/no_such_data_set", [{"_timestamp": TS}])
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["_data_set", "$invalid", "has-hyphen"])
def test_names_that_break_the_key_rule_are_not_routes(client, data_set, name):
    assert post(client, f"/{name}", [{"_timestamp": TS}]).status_code == 404


def test_a_capped_data_set_keeps_only_the_newest_records_within_its_budget(client, db):
    from stagecraft.apps.datasets.tests.factories import DataSetFactory

    DataSetFactory.create(
        data_group__name="g1", data_type__name="live", bearer_token="secret", capped_size=1200
    )
    for hour in range(12):
        records = [{"_timestamp": f"2014-01-20T{hour:02}:00:00Z", "unique_visitors": hour}]
        assert post(client, "/data/g1/live", records).status_code == 200
    kept = sorted(record.data["unique_visitors"] for record in Record.objects.all())
    assert sum(record.size for record in Record.objects.all()) <= 1200
    assert kept == list(range(12 - len(kept), 12))
    assert 0 < len(kept) < 12
