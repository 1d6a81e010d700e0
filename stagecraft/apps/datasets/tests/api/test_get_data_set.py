import pytest

from stagecraft.apps.datasets.models import DataSet
from stagecraft.testing.cast import ASSIGNED_EMAIL

from ..factories import BackdropUserFactory, DataGroupFactory, DataSetFactory, DataTypeFactory

pytestmark = pytest.mark.django_db

URL = "/data-sets/carers_allowance_channel"


@pytest.fixture
def data_set():
    data_set = DataSetFactory.create(
        data_group=DataGroupFactory.create(name="carers-allowance"),
        data_type=DataTypeFactory.create(name="channel"),
        upload_filters="a.b, c.d",
        bearer_token="secret-token",
    )
    BackdropUserFactory.create(email=ASSIGNED_EMAIL).data_sets.add(data_set)
    return data_set


def test_it_answers_the_serialised_data_set(api, cast, data_set):
    response = api.get(URL, cast["admin"])
    assert response.status_code == 200
    assert response.json() == DataSet.objects.get(pk=data_set.pk).to_dict()
    assert response.json()["upload_filters"] == ["a.b", "c.d"]
    assert response.json()["bearer_token"] == "secret-token"
    assert "no-cache" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]


def test_it_answers_404_in_the_error_shape(api, cast, data_set):
    response = api.get("/data-sets/no_such_thing", cast["admin"])
    assert response.status_code == 404
    assert response.json() == {
        "status": "error",
        "message": "No Data Set named 'no_such_thing' exists",
        "errors": [
            {"status": "404", "title": "Not Found", "detail": "No Data Set named 'no_such_thing' exists"}
        ],
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("unknown", 401),
        ("revoked", 401),
        ("unassigned", 404),
        ("assigned", 200),
        ("admin", 200),
        ("user", 403),
        ("create", 403),
    ],
)
def test_its_permission_matrix(api, cast, data_set, who, status):
    response = api.get(URL, cast[who] if who else None)
    assert response.status_code == status
    if status == 200:
        token = response.json()["bearer_token"]
        assert token == ("secret-token" if who == "admin" else None)


def test_it_refuses_an_unknown_token(api, data_set):
    response = api.get(URL, HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401
    assert response.json()["message"] == "The bearer token is not valid: it is unknown or has been revoked."


def test_it_refuses_another_authorization_scheme(api, data_set):
    response = api.get(URL, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_answers_405_for_other_methods(api, cast, data_set):
    response = api.client.put(URL, **cast["admin"].headers)
    assert response.status_code == 405
    assert response["Allow"] == "DELETE, GET, HEAD, POST"
    assert response.json()["errors"][0]["status"] == "405"
    assert DataSet.objects.filter(pk=data_set.pk).exists()


def test_delete_is_the_data_stores_and_refuses_an_api_clients_token(api, cast, data_set):
    # DELETE /data-sets/<name> drops records with the collection token (docs/records.md), never the data set.
    response = api.client.delete(URL, **cast["admin"].headers)
    assert response.status_code == 401
    assert DataSet.objects.filter(pk=data_set.pk).exists()


def test_it_costs_at_most_three_queries(api, cast, data_set, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert api.get(URL, cast["assigned"]).status_code == 200
