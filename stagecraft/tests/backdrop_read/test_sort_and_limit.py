"""features/read_api/sort_and_limit.feature: sort_by and limit on raw and grouped reads."""

from .data import ANIMALS, LICENSING_2
from .helpers import results


def test_sorting_on_a_numeric_value_in_ascending_order(data_set, go):
    data_set("foo", *ANIMALS, raw_queries_allowed=True)

    data = results(go("/foo?sort_by=value:ascending"))

    assert data[0]["value"] == 3
    assert data[-1]["value"] == 8


def test_sorting_on_a_numeric_value_in_descending_order(data_set, go):
    data_set("foo", *ANIMALS, raw_queries_allowed=True)

    data = results(go("/foo?sort_by=value:descending"))

    assert data[0]["value"] == 8
    assert data[-1]["value"] == 3


def test_limiting_the_data_to_the_first_three(data_set, go):
    data_set("foo", *ANIMALS, raw_queries_allowed=True)

    assert [document["name"] for document in results(go("/foo?limit=3"))] == ["aardvark", "buffalo", "cat"]


def test_sorting_a_grouped_query_on_a_key_and_limiting(data_set, go):
    data_set("foo", *ANIMALS)

    assert results(go("/foo?group_by=type&sort_by=_count:ascending&limit=1")) == [
        {"type": "domestic", "_count": 2}
    ]


def test_sorting_a_periodic_grouped_query_on_a_key(data_set, go):
    data_set("foo", *LICENSING_2)

    data = results(
        go(
            "/foo?group_by=authority&period=week&sort_by=_count:descending&start_at=2012-12-03T00:00:00Z&end_at=2012-12-17T00:00:00Z"
        )
    )

    assert [group["authority"] for group in data] == ["Westminster", "Camden"]


def test_limiting_a_periodic_query_with_start_and_end_is_refused(data_set, go):
    data_set("foo", *LICENSING_2)

    response = go("/foo?period=week&limit=1&start_at=2012-12-03T00:00:00Z&end_at=2012-12-17T00:00:00Z")

    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": "A period query can only be limited if it is grouped - please add 'group_by'",
    }


def test_sorting_a_periodic_grouped_query_on_a_key_and_limiting(data_set, go):
    # From the older copy, features/sort_and_limit.feature (with the time range now required).
    data_set("foo", *LICENSING_2)

    data = results(
        go(
            "/foo?group_by=authority&period=week&sort_by=_count:ascending&limit=1&start_at=2012-12-03T00:00:00Z&end_at=2012-12-17T00:00:00Z"
        )
    )

    assert [group["authority"] for group in data] == ["Camden"]
