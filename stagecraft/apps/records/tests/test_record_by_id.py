"""PUT (empty), PATCH and DELETE of one record by _id."""

import pytest

from stagecraft.apps.records.models import Record
from stagecraft.apps.records.storage import store_documents

from .helpers import TS, post, send

pytestmark = pytest.mark.django_db
URL = "/data/carers-allowance/journey"


@pytest.fixture
def stored(data_set):
    store_documents(data_set, [{"_id": "r1", "_timestamp": "2014-01-20T10:00:00+00:00", "count": 1}])
    store_documents(data_set, [{"_id": "r2", "_timestamp": "2014-01-20T11:00:00+00:00", "count": 2}])
    return data_set


def test_put_with_an_empty_list_empties_the_data_set(client, stored, records_log):
    response = send(client, "PUT", URL, [])
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "message": "carers_allowance_journey now contains 0 records"}
    assert Record.objects.count() == 0
    assert "PUT carers_allowance_journey: emptied the data set, deleting records, count=2" in records_log.text


def test_put_with_records_is_refused(client, stored):
    response = send(client, "PUT", URL, [{"_timestamp": TS}])
    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": "Not implemented: you can only pass an empty JSON list",
    }
    assert Record.objects.count() == 2


def test_put_without_json_content_type_is_refused(client, stored):
    response = send(client, "PUT", URL, [], content_type="text/plain")
    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": "ValidationError('Expected header: Content-type: application/json',)",
    }
    assert Record.objects.count() == 2


def test_delete_removes_one_record(client, stored, records_log):
    response = send(client, "DELETE", f"{URL}/r1")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert list(Record.objects.values_list("record_id", flat=True)) == ["r2"]
    assert "DELETE carers_allowance_journey: deleted record r1, count=1" in records_log.text


def test_delete_of_an_unknown_id_answers_404_naming_it(client, stored):
    response = send(client, "DELETE", f"{URL}/nope")
    assert response.status_code == 404
    assert response.json() == {"status": "error", "message": "No record found with id nope"}
    assert Record.objects.count() == 2


def test_patch_replaces_the_record_whole_keeping_its_id(client, stored, frozen_now):
    response = send(client, "PATCH", f"{URL}/r1", {"_timestamp": "2014-01-21T10:00:00+01:00", "count": 10})
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    record = Record.objects.get(record_id="r1")
    assert record.data["_timestamp"] == "2014-01-21T09:00:00+00:00"
    assert record.document["_day_start_at"] == "2014-01-21T00:00:00+00:00"
    assert record.document["_updated_at"] == "2014-01-20T12:00:00+00:00"
    assert record.data["count"] == 10
    assert record.data["_id"] == "r1"
    assert record.timestamp is not None
    assert record.timestamp.isoformat() == "2014-01-21T09:00:00+00:00"


def test_patch_ignores_an_id_in_the_body(client, stored):
    response = send(client, "PATCH", f"{URL}/r1", {"_timestamp": TS, "_id": "other", "count": 3})
    assert response.status_code == 200
    assert set(Record.objects.values_list("record_id", flat=True)) == {"r1", "r2"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"count": 10}, "'_timestamp' is a required property"),
        ({"_timestamp": TS, "xs": [1]}, "xs has an invalid value"),
        ({"_timestamp": TS, "_foo": 1}, "_foo is not a recognised internal field"),
        (
            {"_timestamp": "0001-01-01T00:00:00+01:00"},
            "0001-01-01T00:00:00+01:00 in the _timestamp field is not a valid date",
        ),
        ({"_timestamp": TS, "name": "a\u0000b"}, "Record 1: name contains a NUL character (\\u0000)"),
    ],
)
def test_patch_validates_as_post_does_and_changes_nothing(client, stored, body, message):
    response = send(client, "PATCH", f"{URL}/r1", body)
    assert response.status_code == 400
    assert message in response.json()["messages"]
    assert Record.objects.get(record_id="r1").data["count"] == 1


def test_patch_of_an_unknown_id_answers_404(client, stored):
    response = send(client, "PATCH", f"{URL}/nope", {"_timestamp": TS, "count": 1})
    assert response.status_code == 404
    assert response.json() == {"status": "error", "message": "No record found with id nope"}


def test_patch_needs_an_object(client, stored):
    response = send(client, "PATCH", f"{URL}/r1", [1])
    assert response.status_code == 400
    assert Record.objects.get(record_id="r1").data["count"] == 1


def test_patch_and_delete_of_an_unknown_data_set_answer_404(client, stored):
    assert send(client, "DELETE", "/data/carers-allowance/nope/r1").status_code == 404


def test_other_methods_on_a_record_are_not_allowed(client, stored):
    assert client.get(f"{URL}/r1").status_code == 405
    assert post(client, f"{URL}/r1", []).status_code == 405
