"""features/end_to_end.feature: write through the write API, read back through the read API (both
by data set name, as the feature does). Our names are `<group>_<type>`: "reptiles" is the data set
`reptiles_sightings` here, "flavour_events" is `flavour_events` (group "flavour", type "events")."""

import pytest

from .helpers import given_data_set, send
from .test_write_api import FOUR_DINOSAURS

pytestmark = pytest.mark.django_db

# Four flavours over the three weeks from Monday 18 March 2013.
FLAVOUR_EVENTS = [
    {"_timestamp": "2013-03-19T09:00:00+00:00", "flavour": "lemon"},
    {"_timestamp": "2013-03-21T15:30:00+00:00", "flavour": "lime"},
    {"_timestamp": "2013-03-24T23:59:59+00:00", "flavour": "lemon"},
    {"_timestamp": "2013-03-26T08:00:00+00:00", "flavour": "beetroot"},
    {"_timestamp": "2013-03-30T12:00:00+00:00", "flavour": "lime"},
    {"_timestamp": "2013-04-02T10:00:00+00:00", "flavour": "cherry"},
    {"_timestamp": "2013-04-04T10:00:00+00:00", "flavour": "lemon"},
]


def test_write_data_to_platform(client):
    data_set = given_data_set("reptiles", "sightings", raw_queries_allowed=True)
    response = send(client, "POST", "/reptiles_sightings", FOUR_DINOSAURS, token=data_set.bearer_token)
    assert response.status_code == 200


def test_write_and_retrieve_data_from_platform(client):
    data_set = given_data_set("reptiles", "sightings", raw_queries_allowed=True)
    send(client, "POST", "/reptiles_sightings", FOUR_DINOSAURS, token=data_set.bearer_token)
    response = client.get("/reptiles_sightings?filter_by=size:big")
    assert response.status_code == 200
    data = response.json()["data"]
    assert len(data) == 2
    assert sorted(item["name"] for item in data) == ["spinosaurus", "t-rex"]


def test_writing_events_and_retrieving_weekly_data(client):
    data_set = given_data_set("flavour", "events")
    assert (
        send(client, "POST", "/flavour_events", FLAVOUR_EVENTS, token=data_set.bearer_token).status_code
        == 200
    )
    response = client.get(
        "/flavour_events?period=week&group_by=flavour"
        "&start_at=2013-03-18T00:00:00Z&end_at=2013-04-08T00:00:00Z"
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert len(data) == 4
    assert [(group["flavour"], group["_count"]) for group in data] == [
        ("beetroot", 1),
        ("cherry", 1),
        ("lemon", 3),
        ("lime", 2),
    ]
    assert all(len(group["values"]) == 3 for group in data)


def test_writing_events_and_retrieving_weekly_data_by_group_and_type(client):
    data_set = given_data_set("flavour", "events")
    send(client, "POST", "/data/flavour/events", FLAVOUR_EVENTS, token=data_set.bearer_token)
    response = client.get(
        "/data/flavour/events?period=week&group_by=flavour"
        "&start_at=2013-03-18T00:00:00Z&end_at=2013-04-08T00:00:00Z"
    )
    assert response.status_code == 200
    assert len(response.json()["data"]) == 4
