"""features/read_api/filter.feature: time ranges and filter_by on raw and grouped reads."""

import pytest

from .data import DINOSAURS, LICENSING
from .helpers import results, without_derived

DOCUMENT_1236 = {
    "_timestamp": "2012-12-13T01:01:01+00:00",
    "licence_name": "Temporary events notice",
    "interaction": "success",
    "authority": "Westminster",
    "type": "success",
    "_id": "1236",
}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start_at=2012-12-13T01:01:01%2B00:00", "Use of 'start_at' requires 'end_at' or 'duration'"),
        ("end_at=2012-12-12T01:01:02%2B00:00", "Use of 'end_at' requires 'start_at' or 'duration'"),
    ],
    ids=["on_or_after_a_point", "before_a_point"],
)
def test_querying_from_or_up_to_a_single_point_is_refused(data_set, go, query, message):
    data_set("foo", *LICENSING)

    response = go(f"/foo?{query}")

    assert response.status_code == 400
    assert response.json() == {"status": "error", "message": message}


def test_querying_for_data_between_two_points(data_set, go):
    data_set("foo", *LICENSING, raw_queries_allowed=True)

    data = results(go("/foo?start_at=2012-12-12T01:01:02%2B00:00&end_at=2012-12-14T00:00:00%2B00:00"))

    assert len(data) == 1
    # Our write path also stores _updated_at and the _*_start_at fields (docs/records.md, Reading).
    assert without_derived(data[0]) == DOCUMENT_1236


def test_filtering_by_a_key_and_value(data_set, go):
    data_set("foo", *LICENSING, raw_queries_allowed=True)

    assert len(results(go("/foo?filter_by=authority:Camden"))) == 2


def test_an_invalid_start_at_is_refused(data_set, go):
    data_set("foo")

    response = go("/foo?start_at=not+a+date")

    assert response.status_code == 400
    assert response.json() == {"status": "error", "message": "start_at is not a valid datetime"}


def test_filtering_by_a_field_name_starting_with_a_dollar_is_refused(data_set, go):
    data_set("weekly", *LICENSING)

    response = go("/weekly?filter_by=$where:function(){}")

    assert response.status_code == 400
    assert response.json() == {"status": "error", "message": "Cannot filter by an invalid field name"}


def test_filtering_between_two_points_and_by_a_key_and_value(data_set, go):
    data_set("foo", *LICENSING, raw_queries_allowed=True)

    data = results(
        go(
            "/foo?start_at=2012-12-13T00:00:02%2B00:00&end_at=2012-12-19T00:00:00%2B00:00&filter_by=type:success"
        )
    )

    assert [without_derived(document) for document in data] == [DOCUMENT_1236]


def test_filtering_by_a_boolean(data_set, go):
    data_set("lizards", *DINOSAURS, raw_queries_allowed=True)

    data = results(go("/lizards?filter_by=eats_people:true"))

    assert [document["name"] for document in data] == ["t-rex", "sarcosuchus", "pterodactyl"]


def test_grouping_by_a_boolean(data_set, go):
    data_set("lizards", *DINOSAURS)

    assert results(go("/lizards?group_by=eats_people")) == [
        {"eats_people": False, "_count": 1},
        {"eats_people": True, "_count": 3},
    ]
