"""features/write_api/delete_data_set.feature (also two scenarios of write_api.feature):
DELETE /data-sets/<name> with the collection token drops the data set's records.

Our data set names are `<group>_<type>`, so the scenario's "some-dataset" (group "data-group", type
"data-type") is `data_group_data_type` here. The data set's configuration stays: only its records go,
to the trash (Stagecraft's own; the reference destroyed them).
"""

import pytest

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.records.models import Record, TrashBatch, TrashedRecord

from .helpers import given_data_set, send

pytestmark = pytest.mark.django_db

RECORD = {"_timestamp": "2014-09-10T12:00:00Z", "foo": "bar"}


def test_deleting_a_data_set(client, collection_token, django_assert_max_num_queries):
    data_set = given_data_set("data-group", "data-type")
    other = given_data_set("data-group", "other-type")
    response = send(client, "POST", "/data/data-group/data-type", RECORD, token=data_set.bearer_token)
    assert response.status_code == 200
    send(client, "POST", "/data/data-group/other-type", RECORD, token=other.bearer_token)

    # The data set; its write lock (PostgreSQL), a trash batch made, the records moved set-based (one
    # statement on PostgreSQL, two on SQLite), the record count, the batch's count set, the write log.
    with django_assert_max_num_queries(9):
        response = client.delete(
            "/data-sets/data_group_data_type", HTTP_AUTHORIZATION=f"Bearer {collection_token}"
        )

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "message": "Deleted data_group_data_type"}
    assert response["Cache-Control"] == "no-cache"
    assert Record.objects.filter(data_set=data_set).count() == 0
    assert Record.objects.filter(data_set=other).count() == 1
    assert DataSet.objects.filter(pk=data_set.pk).exists()
    batch = TrashBatch.objects.get()
    assert (batch.data_set_id, batch.cause, batch.record_count) == (data_set.pk, "dropped", 1)
    assert batch.trashed_by == "DELETE /data-sets/<name>"
    assert TrashedRecord.objects.get().data["foo"] == "bar"


def test_cannot_delete_a_data_set_that_does_not_exist(client, collection_token):
    response = client.delete("/data-sets/some_dataset", HTTP_AUTHORIZATION=f"Bearer {collection_token}")
    assert response.status_code == 404
    assert response.json() == {"status": "error", "message": 'No collection exists with name "some_dataset"'}


def test_deleting_a_data_set_without_records_answers_ok(client, collection_token):
    # Ours: a configured data set's storage always exists (records are stored lazily).
    given_data_set("data-group", "data-type")
    response = client.delete(
        "/data-sets/data_group_data_type", HTTP_AUTHORIZATION=f"Bearer {collection_token}"
    )
    assert response.status_code == 200
    assert response.json()["message"] == "Deleted data_group_data_type"


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer invalid-bearer-token",
        "Bearer data_group_data_type-bearer-token",
        "dev-create-endpoint-token",
    ],
)
def test_deleting_a_data_set_needs_the_collection_token(client, collection_token, authorization):
    data_set = given_data_set("data-group", "data-type")
    send(client, "POST", "/data/data-group/data-type", RECORD, token=data_set.bearer_token)
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.delete("/data-sets/data_group_data_type", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "bearer"
    assert response.json() == {"status": "error", "message": "Unauthorized: invalid or no token given."}
    assert Record.objects.filter(data_set=data_set).count() == 1


def test_deleting_a_data_set_is_refused_when_no_collection_token_is_configured(client, settings):
    settings.STAGECRAFT_COLLECTION_ENDPOINT_TOKEN = ""
    data_set = given_data_set("data-group", "data-type")
    send(client, "POST", "/data/data-group/data-type", RECORD, token=data_set.bearer_token)
    for authorization in ("Bearer ", "Bearer dev-create-endpoint-token"):
        response = client.delete("/data-sets/data_group_data_type", HTTP_AUTHORIZATION=authorization)
        assert response.status_code == 401
    assert Record.objects.filter(data_set=data_set).count() == 1
