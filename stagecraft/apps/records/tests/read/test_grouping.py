"""group_by and collect (backdrop-api.md §2.5.3, §2.5.7, §2.6)."""

import json

import pytest

from stagecraft.apps.datasets.tests.factories import DataSetFactory

from .records import store


def data(response):
    assert response.status_code == 200, response.content
    return json.loads(response.content)["data"]


def error(response):
    assert response.status_code == 400
    return json.loads(response.content)["message"]


@pytest.fixture
def mixed(db):
    """Records whose group fields hold numbers, booleans, nulls, or are missing."""
    data_set = DataSetFactory.create(
        data_group__name="licensing", data_type__name="applications", published=True
    )
    documents: list[dict[str, object]] = [
        {"channel": "web", "size": 2, "urgent": True, "value": 1.5},
        {"channel": "web", "size": 10, "urgent": False, "value": 2},
        {"channel": "phone", "size": 2, "urgent": True, "value": 3},
        {"channel": None, "size": 2, "urgent": None, "value": 4},
        {"size": 10, "value": 5, "note": "no channel, no urgency"},
    ]
    store(data_set, *({"_timestamp": "2012-12-10T00:00:00Z", **document} for document in documents))
    return data_set


def test_it_groups_by_a_field_sorted_by_value(licensing, read):
    assert data(read({"group_by": "authority"})) == [
        {"authority": "Camden", "_count": 1},
        {"authority": "Westminster", "_count": 4},
    ]


def test_it_collects_a_sum_and_the_legacy_default_set(licensing, read):
    response = read({"group_by": "authority", "collect": ["value:sum", "licence_name"]})

    assert data(response) == [
        {
            "authority": "Camden",
            "_count": 1,
            "value:sum": 5,
            "licence_name": ["Temporary events notice"],
            "licence_name:set": ["Temporary events notice"],
        },
        {
            "authority": "Westminster",
            "_count": 4,
            "value:sum": 13,
            "licence_name": ["Pet shop", "Street trading"],
            "licence_name:set": ["Pet shop", "Street trading"],
        },
    ]


def test_it_collects_count_set_and_mean(licensing, read):
    response = read({"group_by": "authority", "collect": ["value:count", "value:set", "value:mean"]})

    assert data(response) == [
        {"authority": "Camden", "_count": 1, "value:count": 1, "value:set": [5], "value:mean": 5.0},
        {
            "authority": "Westminster",
            "_count": 4,
            "value:count": 4,
            "value:set": [2, 3, 4],
            "value:mean": 3.25,
        },
    ]


def test_group_values_keep_their_json_types_and_nulls_are_left_out(mixed, read):
    assert data(read({"group_by": "size"})) == [{"size": 2, "_count": 3}, {"size": 10, "_count": 2}]
    assert data(read({"group_by": "urgent"})) == [
        {"urgent": False, "_count": 1},
        {"urgent": True, "_count": 2},
    ]
    assert data(read({"group_by": "channel"})) == [
        {"channel": "phone", "_count": 1},
        {"channel": "web", "_count": 2},
    ]


def test_it_groups_by_several_fields(mixed, read):
    response = read({"group_by": ["channel", "size"], "collect": "value:sum"})

    assert data(response) == [
        {"channel": "phone", "size": 2, "_count": 1, "value:sum": 3},
        {"channel": "web", "size": 2, "_count": 1, "value:sum": 1.5},
        {"channel": "web", "size": 10, "_count": 1, "value:sum": 2},
    ]


def test_a_record_missing_any_group_field_is_left_out(mixed, read):
    assert data(read({"group_by": ["size", "urgent"]})) == [
        {"size": 2, "urgent": True, "_count": 2},
        {"size": 10, "urgent": False, "_count": 1},
    ]


def test_sums_follow_python_number_types(mixed, read):
    # An int sum stays an int; a float anywhere makes it a float. Booleans count as 1 and 0.
    assert data(read({"group_by": "channel", "collect": ["value:sum", "urgent:sum", "size:sum"]})) == [
        {"channel": "phone", "_count": 1, "value:sum": 3, "urgent:sum": 1, "size:sum": 2},
        {"channel": "web", "_count": 2, "value:sum": 3.5, "urgent:sum": 1, "size:sum": 12},
    ]


def test_count_and_set_include_nulls_but_not_missing_values(mixed, read):
    response = read({"group_by": "size", "collect": ["urgent:count", "urgent:set", "channel"]})

    assert data(response) == [
        {
            "size": 2,
            "_count": 3,
            "urgent:count": 3,
            "urgent:set": [None, True],
            "channel": [None, "phone", "web"],
            "channel:set": [None, "phone", "web"],
        },
        {"size": 10, "_count": 2, "urgent:count": 1, "urgent:set": [False], "channel": ["web"],
         "channel:set": ["web"]},
    ]  # fmt: skip


def test_summing_text_is_refused(licensing, read):
    assert error(read({"group_by": "authority", "collect": "licence_name:sum"})) == "invalid collect function"
    assert (
        error(read({"group_by": "authority", "collect": "licence_name:mean"})) == "invalid collect function"
    )


def test_summing_nulls_is_refused(mixed, read):
    assert error(read({"group_by": "size", "collect": "channel:sum"})) == "invalid collect function"


def test_the_mean_of_nothing_is_refused_with_a_message(mixed, read):
    message = error(read({"group_by": "channel", "collect": "note:mean"}))

    assert message == "Cannot collect note:mean: a group has no value for 'note' to average"


def test_the_sum_and_count_of_nothing_are_zero(mixed, read):
    assert data(read({"group_by": "urgent", "collect": ["note:sum", "note:count", "note:set"]})) == [
        {"urgent": False, "_count": 1, "note:sum": 0, "note:count": 0, "note:set": []},
        {"urgent": True, "_count": 2, "note:sum": 0, "note:count": 0, "note:set": []},
    ]


def test_sort_by_and_limit_apply_to_groups(licensing, read):
    response = read({"group_by": "licence_name", "sort_by": "_count:descending", "limit": "2"})

    assert data(response) == [
        {"licence_name": "Pet shop", "_count": 2},
        {"licence_name": "Street trading", "_count": 2},
    ]
    response = read({"group_by": "authority", "sort_by": "authority:descending", "limit": "1"})
    assert data(response) == [{"authority": "Westminster", "_count": 4}]


def test_sort_by_a_collected_field(licensing, read):
    response = read({"group_by": "licence_name", "collect": "authority", "sort_by": "authority:descending"})

    assert [row["licence_name"] for row in data(response)] == [
        "Pet shop",
        "Street trading",
        "Temporary events notice",
    ]


def test_sort_by_a_field_missing_from_the_groups_is_refused(licensing, read):
    message = error(read({"group_by": "authority", "collect": "value:sum", "sort_by": "value:ascending"}))

    assert message == (
        "Cannot sort by 'value': it is not in the grouped results (fields: _count, authority, value:sum)"
    )


def test_filters_apply_before_grouping(licensing, read):
    response = read(
        {"group_by": "licence_name", "filter_by": "authority:Westminster", "collect": "value:sum"}
    )

    assert data(response) == [
        {"licence_name": "Pet shop", "_count": 2, "value:sum": 8},
        {"licence_name": "Street trading", "_count": 2, "value:sum": 5},
    ]


def test_flatten_on_a_group_gives_the_same_rows(licensing, read):
    assert data(read({"group_by": "authority", "flatten": "true"})) == data(read({"group_by": "authority"}))


def test_an_empty_data_set_gives_no_groups(db, read):
    DataSetFactory.create(data_group__name="licensing", data_type__name="applications", published=True)

    assert data(read({"group_by": "authority", "collect": "value:mean"})) == []
