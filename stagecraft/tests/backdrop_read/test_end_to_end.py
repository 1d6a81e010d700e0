"""features/end_to_end.feature: records written through the write API, then read back."""

from .data import DINOSAURS
from .helpers import results


def test_writing_data(data_set, post):
    data_set("reptiles", bearer_token="reptiles-bearer-token", raw_queries_allowed=True)

    response = post("/reptiles", DINOSAURS, "reptiles-bearer-token")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"  # plus the by-name route's deprecation message


def test_writing_and_retrieving_data(data_set, go, post):
    data_set("reptiles", bearer_token="reptiles-bearer-token", raw_queries_allowed=True)
    post("/reptiles", DINOSAURS, "reptiles-bearer-token")

    data = results(go("/reptiles?filter_by=size:big"))

    assert sorted(document["name"] for document in data) == ["sarcosuchus", "t-rex"]


# Four flavours over three weeks from Monday 18 March 2013.
FLAVOUR_EVENTS = [
    {"_timestamp": timestamp, "flavour": flavour}
    for timestamp, flavour in [
        ("2013-03-18T10:00:00Z", "chocolate"),
        ("2013-03-19T10:00:00Z", "vanilla"),
        ("2013-03-26T10:00:00Z", "chocolate"),
        ("2013-03-27T10:00:00Z", "strawberry"),
        ("2013-04-02T10:00:00Z", "mint"),
        ("2013-04-03T10:00:00Z", "vanilla"),
    ]
]


def test_writing_events_and_retrieving_weekly_data(data_set, go, post):
    data_set("flavour_events", bearer_token="flavour-bearer-token")
    post("/flavour_events", FLAVOUR_EVENTS, "flavour-bearer-token")

    data = results(
        go(
            "/flavour_events?period=week&group_by=flavour&start_at=2013-03-18T00:00:00Z&end_at=2013-04-08T00:00:00Z"
        )
    )

    assert [(group["flavour"], group["_count"], len(group["values"])) for group in data] == [
        ("chocolate", 2, 3),
        ("mint", 1, 3),
        ("strawberry", 1, 3),
        ("vanilla", 2, 3),
    ]
