import pytest

from ..factories import BackdropUserFactory, DataGroupFactory, DataSetFactory, DataTypeFactory

pytestmark = pytest.mark.django_db

URL = "/users/person@example.org"


@pytest.fixture
def person():
    group = DataGroupFactory.create(name="licensing")
    data_sets = [
        DataSetFactory.create(data_group=group, data_type=DataTypeFactory.create(name=n)) for n in ("b", "a")
    ]
    person = BackdropUserFactory.create(email="person@example.org")
    person.data_sets.set(data_sets)
    return person


def test_it_answers_the_person_and_their_data_sets(api, cast, person):
    response = api.get(URL, cast["user"])
    assert response.status_code == 200
    assert response.json() == {"email": "person@example.org", "data_sets": ["licensing_a", "licensing_b"]}


def test_it_answers_404_for_an_unknown_person(api, cast, person):
    response = api.get("/users/someone@example.org", cast["user"])
    assert response.status_code == 404
    assert response.json()["message"] == "No user with email 'someone@example.org' exists"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("unknown", 401),
        ("revoked", 401),
        ("unassigned", 403),
        ("assigned", 403),
        ("admin", 200),
        ("user", 200),
        ("create", 403),
    ],
)
def test_its_permission_matrix(api, cast, person, who, status):
    assert api.get(URL, cast[who] if who else None).status_code == status
