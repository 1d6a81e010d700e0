"""features/write_api/create_collection.feature (also in write_api.feature): POST /data-sets/<name>.

Here a data set's storage exists as soon as the data set is configured (records are stored on the
first write; its capped_size is part of its configuration), so there is no collection to create.
The route keeps the original's checks: the collection token (401 with `WWW-Authenticate: bearer`
and the original's message), the body (400 for broken JSON, a missing or invalid capped_size), and
400 for a collection that already exists. Deliberate differences (docs/records.md): creating a
collection for a name no data set has answers 404, pointing at POST /data-sets, instead of 200.
"""

import pytest

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.records.models import Record

from .helpers import given_data_set, send

pytestmark = pytest.mark.django_db

UNAUTHORIZED = {"status": "error", "message": "Unauthorized: invalid or no token given."}


def test_denying_create_collection_with_missing_bearer_token(client, collection_token):
    response = send(client, "POST", "/data-sets/new_dataset", {"capped_size": 0})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "bearer"
    assert response.json() == UNAUTHORIZED


def test_denying_create_collection_with_incorrect_bearer_token(client, collection_token):
    response = send(
        client, "POST", "/data-sets/new_dataset", {"capped_size": 0}, token="invalid-bearer-token"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "bearer"
    assert response.json() == UNAUTHORIZED
    assert "invalid-bearer-token" not in response.content.decode()


@pytest.mark.parametrize("capped_size", [0, 5040, 9.0])
def test_creating_a_collection_for_an_unconfigured_name_points_at_the_configuration_api(
    client, collection_token, capped_size
):
    # Deliberate difference: the original answered 200 and made an (un)capped collection.
    response = send(
        client, "POST", "/data-sets/new_uncapped", {"capped_size": capped_size}, token=collection_token
    )
    assert response.status_code == 404
    assert response.json()["status"] == "error"
    assert "POST /data-sets" in response.json()["message"]
    assert not DataSet.objects.exists()


def test_not_creating_a_collection_if_it_already_exists(client, collection_token):
    data_set = given_data_set("some", "dataset", capped_size=4096)
    response = send(client, "POST", "/data-sets/some_dataset", {"capped_size": 4096}, token=collection_token)
    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": 'A collection named "some_dataset" already exists',
    }
    data_set.refresh_from_db()
    assert data_set.capped_size == 4096
    assert Record.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        b"{}",
        b'{"capped_size": "invalid"}',
        b'{"capped_size": true}',
        b'{"capped_size": -1}',
        b'{"capped_size": 9.5}',
        b"[]",
    ],
    ids=["missing", "a string", "a boolean", "negative", "a fraction", "not an object"],
)
def test_rejecting_a_missing_or_invalid_capped_size_when_creating_a_collection(
    client, collection_token, body
):
    response = send(client, "POST", "/data-sets/new_dataset", body, token=collection_token)
    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": "You must specify an int capped_size of 0 or more",
    }
    assert not DataSet.objects.exists()


def test_rejecting_an_invalid_json_body_when_creating_a_collection(client, collection_token):
    response = send(client, "POST", "/data-sets/new_dataset", b"{broken}", token=collection_token)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Error parsing JSON: ")
    assert not DataSet.objects.exists()
