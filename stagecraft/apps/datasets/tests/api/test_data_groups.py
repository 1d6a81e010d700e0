import pytest
from reversion.models import Revision, Version

from stagecraft.apps.datasets.models import DataGroup

from ..factories import DataGroupFactory

pytestmark = pytest.mark.django_db


def test_it_lists_groups_by_name(api, cast):
    DataGroupFactory.create(name="licensing")
    DataGroupFactory.create(name="carers-allowance")
    response = api.get("/data-groups", cast["assigned"])
    assert response.status_code == 200
    assert response.json() == [{"name": "carers-allowance"}, {"name": "licensing"}]


def test_it_filters_by_name(api, cast):
    DataGroupFactory.create(name="licensing")
    assert api.get("/data-groups?name=licensing", cast["admin"]).json() == [{"name": "licensing"}]
    assert api.get("/data-groups?name=nothing", cast["admin"]).json() == []


def test_it_rejects_unknown_parameters(api, cast):
    response = api.get("/data-groups?nom=licensing", cast["admin"])
    assert response.status_code == 400
    assert "'nom'" in response.json()["message"]


def test_it_creates_a_group_in_one_revision(api, cast):
    response = api.post("/data-groups", {"name": "new-service"}, cast["create"])
    assert response.status_code == 201
    assert response.json() == {"name": "new-service"}
    group = DataGroup.objects.get()
    versions = Version.objects.get_for_object(group)
    assert len(versions) == 1
    assert versions[0].revision.comment == "Created through the API by client create-client"


def test_it_answers_409_for_an_existing_group(api, cast):
    DataGroupFactory.create(name="licensing")
    response = api.post("/data-groups", {"name": "licensing"}, cast["create"])
    assert response.status_code == 409
    assert response.json()["message"] == "A data group named 'licensing' already exists."
    assert DataGroup.objects.count() == 1
    assert Revision.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, "name is required."),
        (
            {"name": 12},
            "name must be 1 to 50 lower-case letters, digits and hyphens (for example "
            "carers-allowance); got a number.",
        ),
        (
            {"name": "Bad Name"},
            "name must be 1 to 50 lower-case letters, digits and hyphens (for example "
            'carers-allowance); "Bad Name" is not.',
        ),
        (
            {"name": "a" * 51},
            "name must be 1 to 50 lower-case letters, digits and hyphens (for example "
            f'carers-allowance); "{"a" * 51}" is not.',
        ),
        ({"name": "ok", "colour": "red"}, "Unknown field 'colour'. The fields are: name."),
    ],
)
def test_it_rejects_bad_input(api, cast, body, detail):
    response = api.post("/data-groups", body, cast["create"])
    assert response.status_code == 400
    assert detail in [error["detail"] for error in response.json()["errors"]]
    assert not DataGroup.objects.exists()


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
    assert api.get("/data-groups", caller).status_code == get_status
    assert api.post("/data-groups", {"name": "g"}, caller).status_code == post_status
    assert DataGroup.objects.filter(name="g").exists() is (post_status == 201)
