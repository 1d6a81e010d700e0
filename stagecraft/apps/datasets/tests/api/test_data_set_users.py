import pytest

from stagecraft.testing.cast import ASSIGNED_EMAIL

from ..factories import BackdropUserFactory, DataGroupFactory, DataSetFactory, DataTypeFactory

pytestmark = pytest.mark.django_db

URL = "/data-sets/licensing_channel/users"


@pytest.fixture
def data_set():
    data_set = DataSetFactory.create(
        data_group=DataGroupFactory.create(name="licensing"), data_type=DataTypeFactory.create(name="channel")
    )
    for email in ("zoe@example.org", ASSIGNED_EMAIL, "bob@example.org"):
        BackdropUserFactory.create(email=email).data_sets.add(data_set)
    BackdropUserFactory.create(email="other@example.org")
    return data_set


def test_it_lists_the_emails_of_the_people_assigned(api, cast, data_set):
    response = api.get(URL, cast["admin"])
    assert response.status_code == 200
    assert response.json() == [
        {"email": "assigned@example.org"},
        {"email": "bob@example.org"},
        {"email": "zoe@example.org"},
    ]


def test_it_answers_an_empty_list_when_nobody_is_assigned(api, cast):
    DataSetFactory.create(
        data_group=DataGroupFactory.create(name="a"), data_type=DataTypeFactory.create(name="b")
    )
    assert api.get("/data-sets/a_b/users", cast["admin"]).json() == []


def test_it_answers_404_for_an_unknown_data_set(api, cast):
    response = api.get("/data-sets/missing/users", cast["admin"])
    assert response.status_code == 404
    assert response.json()["message"] == "No Data Set named 'missing' exists"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("unknown", 401),
        ("revoked", 401),
        ("unassigned", 403),
        ("assigned", 403),
        ("admin", 200),
        ("user", 403),
        ("create", 403),
    ],
)
def test_its_permission_matrix(api, cast, data_set, who, status):
    assert api.get(URL, cast[who] if who else None).status_code == status
