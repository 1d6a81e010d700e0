import pytest
from reversion.models import Revision, Version

from stagecraft.apps.datasets.models import BackdropUser

from ..factories import BackdropUserFactory, DataGroupFactory, DataSetFactory, DataTypeFactory

pytestmark = pytest.mark.django_db

URL = "/users/person@example.org"


@pytest.fixture
def data_sets():
    group = DataGroupFactory.create(name="licensing")
    return [
        DataSetFactory.create(data_group=group, data_type=DataTypeFactory.create(name=n))
        for n in ("a", "b", "c")
    ]


def assigned(email: str) -> list[str]:
    return list(
        BackdropUser.objects.get(email=email).data_sets.order_by("name").values_list("name", flat=True)
    )


def test_it_creates_a_person_with_their_data_sets(api, cast, data_sets):
    response = api.put(URL, {"data_sets": ["licensing_b", "licensing_a"]}, cast["admin"])
    assert response.status_code == 201
    assert response.json() == {"email": "person@example.org", "data_sets": ["licensing_a", "licensing_b"]}
    assert assigned("person@example.org") == ["licensing_a", "licensing_b"]
    person = BackdropUser.objects.get(email="person@example.org")
    versions = Version.objects.get_for_object(person)
    assert len(versions) == 1
    assert versions[0].revision.comment == "Created through the API by client admin-client"


def test_it_replaces_the_data_sets_of_an_existing_person(api, cast, data_sets):
    BackdropUserFactory.create(email="person@example.org").data_sets.set(data_sets[:2])
    response = api.put(URL, {"data_sets": ["licensing_c"]}, cast["admin"])
    assert response.status_code == 200
    assert response.json()["data_sets"] == ["licensing_c"]
    assert assigned("person@example.org") == ["licensing_c"]
    assert BackdropUser.objects.count() == 1
    versions = Version.objects.get_for_object(BackdropUser.objects.get())
    assert len(versions) == 1
    assert versions[0].revision.comment == "Data sets replaced through the API by client admin-client"
    assert versions[0].field_dict["data_sets"] == [data_sets[2].pk]


def test_it_refuses_unknown_data_sets_and_changes_nothing(api, cast, data_sets):
    BackdropUserFactory.create(email="person@example.org").data_sets.set(data_sets[:1])
    response = api.put(URL, {"data_sets": ["licensing_c", "nope", "zilch"]}, cast["admin"])
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == "These data sets don't exist: nope, zilch."
    assert assigned("person@example.org") == ["licensing_a"]
    assert Revision.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, "data_sets is required."),
        ({"data_sets": "licensing_a"}, "data_sets must be a list of data set names; got a string."),
        ({"data_sets": [], "email": "x@example.org"}, "Unknown field 'email'. The fields are: data_sets."),
    ],
)
def test_it_rejects_bad_bodies(api, cast, data_sets, body, detail):
    response = api.put(URL, body, cast["admin"])
    assert response.status_code == 400
    assert detail in [error["detail"] for error in response.json()["errors"]]
    assert not BackdropUser.objects.exists()


def test_it_rejects_an_invalid_email(api, cast, data_sets):
    response = api.put("/users/not-an-email", {"data_sets": []}, cast["admin"])
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == "'not-an-email' in the URL is not a valid email address."
    assert not BackdropUser.objects.exists()


def test_it_rejects_malformed_json(api, cast):
    response = api.request("PUT", URL, cast["admin"], raw='{"data_sets": [')
    assert response.status_code == 400
    assert response.json()["message"].startswith("The request body is not valid JSON")
    assert not BackdropUser.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("unknown", 401),
        ("revoked", 401),
        ("unassigned", 403),
        ("assigned", 403),
        ("admin", 201),
        ("user", 403),
        ("create", 403),
    ],
)
def test_its_permission_matrix(api, cast, data_sets, who, status):
    assert api.put(URL, {"data_sets": []}, cast[who] if who else None).status_code == status
    assert BackdropUser.objects.filter(email="person@example.org").exists() is (status == 201)
