"""The public client's AdminAPI against the running app: the calls the data store, collectors and
scripts make to read and create configuration (backdrop-api.md §4, stagecraft-2014.md "HTTP API")."""

import pytest
import requests
from reversion.models import Version

from stagecraft.apps.datasets.models import BackdropUser, DataGroup, DataSet
from stagecraft.testing.cast import ASSIGNED_EMAIL

from .client_library import AdminAPI
from .helpers import GROUP, NAME, TYPE, response_of

# The serialised data set's keys, in the order of the original's serialize() (backdrop-api.md §4).
DATA_SET_KEYS = [
    "name",
    "data_group",
    "data_type",
    "raw_queries_allowed",
    "bearer_token",
    "upload_format",
    "upload_filters",
    "auto_ids",
    "queryable",
    "realtime",
    "capped_size",
    "max_age_expected",
    "published",
    "schema",
]


def test_get_data_set_returns_the_serialised_data_set(admin_api, sent):
    data_set = admin_api.get_data_set(GROUP, TYPE)

    assert list(data_set) == DATA_SET_KEYS
    assert {key: value for key, value in data_set.items() if key != "schema"} == {
        "name": NAME,
        "data_group": GROUP,
        "data_type": TYPE,
        "raw_queries_allowed": True,
        "bearer_token": "demo-carers-allowance-transactions-by-channel-token",
        "upload_format": "",
        "upload_filters": [],
        "auto_ids": ["_timestamp", "channel"],
        "queryable": True,
        "realtime": False,
        "capped_size": None,
        "max_age_expected": 180000,  # daily data (the demo, stagecraft/apps/datasets/demo.py)
        "published": True,
    }
    assert data_set["schema"]["description"] == f"Schema for {GROUP}/{TYPE}"
    assert data_set["schema"]["allOf"] == [
        {"$ref": "#/definitions/_timestamp"},
        {"$ref": f"#/definitions/{TYPE}"},
    ]
    (request,) = sent
    assert request["url"] == f"{admin_api.base_url}/data-sets"
    assert request["headers"]["User-Agent"] == "Performance Platform Client 0.11.5"


def test_get_data_set_of_an_unknown_pair_returns_none(admin_api):
    assert admin_api.get_data_set(GROUP, "no-such-type") is None
    assert admin_api.get_data_set("no-such-group", TYPE) is None


def test_get_data_set_by_name_returns_the_same_data_set(admin_api):
    assert admin_api.get_data_set_by_name(NAME) == admin_api.get_data_set(GROUP, TYPE)


def test_get_data_set_by_name_of_an_unknown_name_returns_none(admin_api):
    assert admin_api.get_data_set_by_name("no_such_data_set") is None


def test_list_data_sets_returns_every_data_set_in_id_order(admin_api):
    listed = admin_api.list_data_sets()

    assert [data_set["name"] for data_set in listed] == list(
        DataSet.objects.order_by("id").values_list("name", flat=True)
    )
    assert len(listed) == 12
    assert all(list(data_set) == DATA_SET_KEYS for data_set in listed)


def test_a_client_without_admin_sees_only_its_assigned_data_sets(live_server, demo, signin_token):
    user = BackdropUser.objects.create(email=ASSIGNED_EMAIL)
    user.data_sets.set(DataSet.objects.filter(name=NAME))
    api = AdminAPI(live_server.url, signin_token)

    assert [data_set["name"] for data_set in api.list_data_sets()] == [NAME]
    # Only admin clients see the data sets' write tokens.
    assert api.get_data_set(GROUP, TYPE)["bearer_token"] is None
    assert api.get_data_set_by_name("prison_visits_customer_satisfaction") is None


def test_a_bad_token_raises_401(live_server, demo):
    api = AdminAPI(live_server.url, "not-a-token")

    with pytest.raises(requests.HTTPError) as raised:
        api.list_data_sets()

    assert response_of(raised).status_code == 401
    assert response_of(raised).json()["status"] == "error"


def test_get_data_group_returns_the_group_or_none(admin_api):
    assert admin_api.get_data_group(GROUP) == {"name": GROUP}
    assert admin_api.get_data_group("no-such-group") is None


def test_create_data_group_then_data_set(admin_api):
    group = admin_api.create_data_group({"name": "tax-disc"})
    data_set = admin_api.create_data_set(
        {"data_group": "tax-disc", "data_type": TYPE, "bearer_token": "s3cret", "auto_ids": ["channel"]}
    )

    assert group == {"name": "tax-disc"}
    assert list(data_set) == DATA_SET_KEYS
    assert data_set["name"] == "tax_disc_transactions_by_channel"
    assert data_set["bearer_token"] == "s3cret"
    assert data_set["auto_ids"] == ["channel"]
    assert admin_api.get_data_set("tax-disc", TYPE) == data_set
    assert DataGroup.objects.filter(name="tax-disc").count() == 1
    stored = DataSet.objects.get(name="tax_disc_transactions_by_channel")
    (version,) = Version.objects.get_for_object(stored)
    assert version.revision.comment == "Created through the API by client admin-client"


def test_create_data_set_refusals_reach_the_client_as_http_errors(admin_api):
    with pytest.raises(requests.HTTPError) as raised:
        admin_api.create_data_set({"data_group": GROUP, "data_type": TYPE})

    assert response_of(raised).status_code == 409
    assert response_of(raised).json()["message"] == f"A data set named '{NAME}' already exists."
    assert DataSet.objects.filter(name=NAME).count() == 1


def test_get_user_returns_the_email_and_data_set_names(admin_api):
    user = BackdropUser.objects.create(email="some.one+pp@example.org")
    user.data_sets.set(DataSet.objects.filter(name=NAME))

    # The library quotes the email with quote_plus: "+" and "@" travel as %2B and %40.
    assert admin_api.get_user("some.one+pp@example.org") == {
        "email": "some.one+pp@example.org",
        "data_sets": [NAME],
    }


def test_get_user_of_an_unknown_email_raises_404(admin_api):
    with pytest.raises(requests.HTTPError) as raised:
        admin_api.get_user("nobody@example.org")

    assert response_of(raised).status_code == 404
    assert response_of(raised).json()["message"] == "No user with email 'nobody@example.org' exists"
