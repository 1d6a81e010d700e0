import json

import pytest

from stagecraft.apps.datasets.models import DataSet
from stagecraft.testing.cast import ASSIGNED_EMAIL

from ..factories import BackdropUserFactory, DataGroupFactory, DataSetFactory, DataTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_sets():
    carers, licensing = (
        DataGroupFactory.create(name="carers-allowance"),
        DataGroupFactory.create(name="licensing"),
    )
    channel = DataTypeFactory.create(name="channel", schema={"type": "object", "required": ["count"]})
    satisfaction = DataTypeFactory.create(name="satisfaction")
    return [
        DataSetFactory.create(data_group=licensing, data_type=channel, auto_ids="_timestamp, channel"),
        DataSetFactory.create(data_group=carers, data_type=channel, bearer_token=""),
        DataSetFactory.create(data_group=carers, data_type=satisfaction),
    ]


def names(response) -> list[str]:
    return [item["name"] for item in response.json()]


def test_it_lists_every_data_set_by_id_for_admin(api, cast, data_sets):
    response = api.get("/data-sets", cast["admin"])
    assert response.status_code == 200
    assert names(response) == [
        "licensing_channel",
        "carers_allowance_channel",
        "carers_allowance_satisfaction",
    ]


def test_it_serialises_exactly_as_to_dict(api, cast, data_sets):
    response = api.get("/data-sets", cast["admin"])
    expected = [DataSet.objects.get(pk=d.pk).to_dict() for d in data_sets]
    # Compared as text: same keys, same order, same values.
    assert response.content.decode() == json.dumps(expected)
    first = response.json()[0]
    assert list(first) == [
        "name", "data_group", "data_type", "raw_queries_allowed", "bearer_token", "upload_format",
        "upload_filters", "auto_ids", "queryable", "realtime", "capped_size", "max_age_expected",
        "published", "schema",
    ]  # fmt: skip
    assert first["auto_ids"] == ["_timestamp", "channel"]
    assert first["schema"]["description"] == "Schema for licensing/channel"
    assert first["schema"]["allOf"] == [
        {"$ref": "#/definitions/_timestamp"},
        {"$ref": "#/definitions/channel"},
    ]
    assert response.json()[1]["bearer_token"] is None


def test_it_filters_by_group_and_type_in_both_spellings(api, cast, data_sets):
    by_group = api.get("/data-sets?data-group=carers-allowance", cast["admin"])
    by_group_underscore = api.get("/data-sets?data_group=carers-allowance", cast["admin"])
    both = api.get("/data-sets?data-group=carers-allowance&data_type=satisfaction", cast["admin"])
    assert (
        names(by_group)
        == names(by_group_underscore)
        == [
            "carers_allowance_channel",
            "carers_allowance_satisfaction",
        ]
    )
    assert names(both) == ["carers_allowance_satisfaction"]
    assert api.get("/data-sets?data-type=nothing", cast["admin"]).json() == []


def test_it_rejects_unknown_parameters(api, cast, data_sets):
    response = api.get("/data-sets?data-group=licensing&colour=red&size=1", cast["admin"])
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "error"
    assert body["message"].startswith("Unrecognised parameter(s) ('colour', 'size') were provided")
    assert body["errors"][0]["status"] == "400"


def test_it_redirects_the_trailing_slash_keeping_the_query(api, cast):
    response = api.get("/data-sets/?data-group=licensing&data-type=channel", cast["admin"])
    assert response.status_code == 301
    assert response["Location"] == "/data-sets?data-group=licensing&data-type=channel"


def test_it_sets_the_api_headers(api, cast, data_sets):
    response = api.get("/data-sets", cast["admin"])
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]


def test_it_hides_data_set_tokens_from_non_admin_callers(api, cast, data_sets):
    BackdropUserFactory.create(email=ASSIGNED_EMAIL).data_sets.set(data_sets)
    response = api.get("/data-sets", cast["assigned"])
    assert [item["bearer_token"] for item in response.json()] == [None, None, None]
    assert [item["bearer_token"] for item in api.get("/data-sets", cast["admin"]).json()] == [
        data_sets[0].bearer_token,
        None,
        data_sets[2].bearer_token,
    ]


@pytest.mark.parametrize(
    ("who", "status", "expected"),
    [
        (None, 401, None),
        ("unknown", 401, None),
        ("revoked", 401, None),
        ("unassigned", 200, []),
        ("assigned", 200, ["carers_allowance_satisfaction"]),
        ("admin", 200, ["licensing_channel", "carers_allowance_channel", "carers_allowance_satisfaction"]),
        ("user", 403, None),
        ("create", 403, None),
    ],
)
def test_its_permission_matrix(api, cast, data_sets, who, status, expected):
    BackdropUserFactory.create(email=ASSIGNED_EMAIL).data_sets.set([data_sets[2]])
    response = api.get("/data-sets", cast[who] if who else None)
    assert response.status_code == status
    if expected is not None:
        assert names(response) == expected
    else:
        assert response.json()["status"] == "error"
    if who is None:
        assert response["WWW-Authenticate"] == "Bearer"


def test_it_costs_at_most_three_queries_whatever_the_number(api, cast, django_assert_max_num_queries):
    groups = [DataGroupFactory.create(name=f"group-{n}") for n in range(5)]
    types = [DataTypeFactory.create(name=f"type-{n}", schema={"type": "object"}) for n in range(10)]
    for group in groups:
        for data_type in types:
            DataSetFactory.create(data_group=group, data_type=data_type)
    BackdropUserFactory.create(email=ASSIGNED_EMAIL).data_sets.set(DataSet.objects.all()[:20])
    with django_assert_max_num_queries(3):
        response = api.get("/data-sets", cast["admin"])
    assert len(response.json()) == 50
    with django_assert_max_num_queries(3):
        response = api.get("/data-sets", cast["assigned"])
    assert len(response.json()) == 20
