import pytest
from reversion.models import Revision, Version

from stagecraft.apps.datasets.models import DataType

from ..factories import DataTypeFactory

pytestmark = pytest.mark.django_db

SCHEMA = {"type": "object", "properties": {"count": {"type": "integer"}}, "required": ["count"]}


@pytest.fixture(autouse=True)
def no_shipped_types():
    # The data migration ships four types; these tests want a known list.
    DataType.objects.all().delete()


def test_it_lists_types_with_description_and_schema(api, cast):
    DataTypeFactory.create(name="visits", description="Visits.", schema=SCHEMA)
    DataTypeFactory.create(name="channel", description="")
    response = api.get("/data-types", cast["assigned"])
    assert response.status_code == 200
    assert response.json() == [
        {"name": "channel", "description": "", "schema": {}},
        {"name": "visits", "description": "Visits.", "schema": SCHEMA},
    ]
    assert api.get("/data-types?name=visits", cast["admin"]).json()[0]["name"] == "visits"


def test_it_creates_a_type_in_one_revision(api, cast):
    body = {"name": "visits", "description": "Visits per day.", "schema": SCHEMA}
    response = api.post("/data-types", body, cast["create"])
    assert response.status_code == 201
    assert response.json() == body
    data_type = DataType.objects.get()
    assert (data_type.name, data_type.description, data_type.schema) == ("visits", "Visits per day.", SCHEMA)
    versions = Version.objects.get_for_object(data_type)
    assert len(versions) == 1
    assert versions[0].revision.comment == "Created through the API by client create-client"


def test_it_defaults_description_and_schema(api, cast):
    response = api.post("/data-types", {"name": "plain"}, cast["create"])
    assert response.status_code == 201
    assert response.json() == {"name": "plain", "description": "", "schema": {}}


def test_it_answers_409_for_an_existing_type(api, cast):
    DataTypeFactory.create(name="visits")
    response = api.post("/data-types", {"name": "visits"}, cast["create"])
    assert response.status_code == 409
    assert DataType.objects.count() == 1
    assert Revision.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"name": "visits", "schema": []}, "schema must be a JSON object (a JSON Schema); got a list."),
        ({"name": "visits", "schema": {"type": "nonsense"}}, "schema: This is not a valid JSON Schema"),
        ({"name": "visits", "description": 5}, "description must be of type string; got a number."),
        ({"name": "Visits"}, "name must be 1 to 50 lower-case letters, digits and hyphens"),
        ({"name": "visits", "extra": 1}, "Unknown field 'extra'. The fields are: name, description, schema."),
    ],
)
def test_it_rejects_bad_input(api, cast, body, detail):
    response = api.post("/data-types", body, cast["create"])
    assert response.status_code == 400
    assert any(error["detail"].startswith(detail) for error in response.json()["errors"])
    assert not DataType.objects.exists()


@pytest.mark.parametrize(
    ("who", "get_status", "post_status"),
    [
        (None, 401, 401),
        ("unknown", 401, 401),
        ("revoked", 401, 401),
        ("unassigned", 200, 403),
        ("assigned", 200, 403),
        ("admin", 200, 201),
        ("user", 403, 403),
        ("create", 403, 201),
    ],
)
def test_its_permission_matrix(api, cast, who, get_status, post_status):
    caller = cast[who] if who else None
    assert api.get("/data-types", caller).status_code == get_status
    assert api.post("/data-types", {"name": "t"}, caller).status_code == post_status
    assert DataType.objects.filter(name="t").exists() is (post_status == 201)
