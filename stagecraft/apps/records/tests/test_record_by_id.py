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


def test_patch_replaces_the_record_without_validating(client, stored, frozen_now):
    response = send(client, "PATCH", f"{URL}/r1", {"count": 10, "x": [1]})
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    record = Record.objects.get(record_id="r1")
    assert record.data == {"count": 10, "x": [1], "_id": "r1", "_updated_at": "2014-01-20T12:00:00+00:00"}
    assert record.timestamp is None


def test_patch_of_an_unknown_id_answers_404(client, stored):
    response = send(client, "PATCH", f"{URL}/nope", {"count": 1})
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
