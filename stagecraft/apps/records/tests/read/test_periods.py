"""period, group_by + period, flatten (backdrop-api.md §2.5.4, §2.5.5, §2.5.8, §2.6)."""

import json

import pytest
from django.db import connection

from stagecraft.apps.datasets.tests.factories import DataSetFactory

from .records import store, store_raw

START = "2012-12-03T00:00:00+00:00"
END = "2012-12-17T00:00:00+00:00"
WEEK_1 = {"_start_at": "2012-12-03T00:00:00+00:00", "_end_at": "2012-12-10T00:00:00+00:00"}
WEEK_2 = {"_start_at": "2012-12-10T00:00:00+00:00", "_end_at": "2012-12-17T00:00:00+00:00"}


def data(response):
    assert response.status_code == 200, response.content
    return json.loads(response.content)["data"]


def buckets(response):
    return [(row["_start_at"], row["_end_at"], row["_count"]) for row in data(response)]


def test_it_counts_records_per_week(licensing, read):
    assert data(read({"period": "week", "start_at": START, "end_at": END})) == [
        {**WEEK_1, "_count": 1},
        {**WEEK_2, "_count": 4},
    ]


def test_it_collects_per_bucket(licensing, read):
    response = read(
        {"period": "week", "start_at": START, "end_at": END, "collect": ["value:sum", "authority"]}
    )

    assert data(response) == [
        {**WEEK_1, "_count": 1, "value:sum": 2, "authority": ["Westminster"],
         "authority:set": ["Westminster"]},
        {**WEEK_2, "_count": 4, "value:sum": 16, "authority": ["Camden", "Westminster"],
         "authority:set": ["Camden", "Westminster"]},
    ]  # fmt: skip


def test_empty_buckets_are_filled_with_nulls(licensing, read):
    response = read(
        {
            "period": "week",
            "start_at": "2012-11-26T00:00:00+00:00",
            "end_at": END,
            "collect": ["value:mean", "authority"],
        }
    )

    assert data(response)[0] == {
        "_start_at": "2012-11-26T00:00:00+00:00",
        "_end_at": "2012-12-03T00:00:00+00:00",
        "_count": 0,
        "value:mean": None,
        "authority:set": None,
    }
    assert [row["_count"] for row in data(response)] == [0, 1, 4]


def test_a_friday_end_at_adds_the_whole_week(licensing, read):
    response = read(
        {"period": "week", "start_at": "2012-12-05T00:00:00+00:00", "end_at": "2012-12-14T00:00:00Z"}
    )

    # Start and end are widened to the weeks that contain them; the records stay those in range.
    assert buckets(response) == [
        ("2012-12-03T00:00:00+00:00", "2012-12-10T00:00:00+00:00", 0),
        ("2012-12-10T00:00:00+00:00", "2012-12-17T00:00:00+00:00", 4),
    ]


@pytest.mark.parametrize(
    ("period", "start_at", "end_at", "expected"),
    [
        (
            "hour",
            "2012-12-11T12:00:00Z",
            "2012-12-11T14:00:00Z",
            [("2012-12-11T12:00:00+00:00", "2012-12-11T13:00:00+00:00", 0),
             ("2012-12-11T13:00:00+00:00", "2012-12-11T14:00:00+00:00", 1)],
        ),
        (
            "day",
            "2012-12-10T00:00:00Z",
            "2012-12-12T00:00:00Z",
            [("2012-12-10T00:00:00+00:00", "2012-12-11T00:00:00+00:00", 1),
             ("2012-12-11T00:00:00+00:00", "2012-12-12T00:00:00+00:00", 1)],
        ),
        (
            "month",
            "2012-11-01T00:00:00Z",
            "2013-01-01T00:00:00Z",
            [("2012-11-01T00:00:00+00:00", "2012-12-01T00:00:00+00:00", 0),
             ("2012-12-01T00:00:00+00:00", "2013-01-01T00:00:00+00:00", 5)],
        ),
        (
            "quarter",
            "2012-07-01T00:00:00Z",
            "2013-04-01T00:00:00Z",
            [("2012-07-01T00:00:00+00:00", "2012-10-01T00:00:00+00:00", 0),
             ("2012-10-01T00:00:00+00:00", "2013-01-01T00:00:00+00:00", 5),
             ("2013-01-01T00:00:00+00:00", "2013-04-01T00:00:00+00:00", 0)],
        ),
        (
            "year",
            "2012-01-01T00:00:00Z",
            "2014-01-01T00:00:00Z",
            [("2012-01-01T00:00:00+00:00", "2013-01-01T00:00:00+00:00", 5),
             ("2013-01-01T00:00:00+00:00", "2014-01-01T00:00:00+00:00", 0)],
        ),
    ],
)  # fmt: skip
def test_every_period_truncates_in_the_database(licensing, read, period, start_at, end_at, expected):
    assert buckets(read({"period": period, "start_at": start_at, "end_at": end_at})) == expected


def test_weeks_start_on_monday_in_utc(db, read):
    data_set = DataSetFactory.create(
        data_group__name="licensing", data_type__name="applications", published=True
    )
    # A Sunday evening at -02:00 is Monday morning in UTC (the reference's probed example).
    store(data_set, {"_timestamp": "2013-03-17T23:30:00-02:00", "value": 1})

    response = read({"period": "week", "start_at": "2013-03-11T00:00:00Z", "end_at": "2013-03-25T00:00:00Z"})

    assert [row["_count"] for row in data(response)] == [0, 1]


def test_period_queries_leave_out_records_without_a_timestamp(db, read):
    data_set = DataSetFactory.create(
        data_group__name="licensing", data_type__name="applications", published=True
    )
    store_raw(data_set, {"value": 1}, {"_timestamp": "2012-12-10T00:00:00Z", "value": 2})

    assert (
        data(read({"period": "year", "start_at": "2012-01-01T00:00:00Z", "end_at": "2013-01-01T00:00:00Z"}))[
            0
        ]["_count"]
        == 1
    )


def test_group_by_with_period_nests_filled_buckets_in_each_group(licensing, read):
    response = read(
        {"period": "week", "group_by": "authority", "collect": "value:mean", "start_at": START, "end_at": END}
    )

    assert data(response) == [
        {
            "authority": "Camden",
            "_count": 1,
            "_group_count": 1,
            "value:mean": 5.0,
            "values": [
                {**WEEK_1, "_count": 0, "value:mean": None},
                {**WEEK_2, "_count": 1, "value:mean": 5.0},
            ],
        },
        {
            "authority": "Westminster",
            "_count": 4,
            "_group_count": 2,
            "value:mean": 3.25,
            "values": [
                {**WEEK_1, "_count": 1, "value:mean": 2.0},
                {**WEEK_2, "_count": 3, "value:mean": 11 / 3},
            ],
        },
    ]


def test_group_totals_gather_values_across_buckets(licensing, read):
    response = read(
        {"period": "week", "group_by": "authority", "collect": ["licence_name:set", "value:count"],
         "start_at": START, "end_at": END, "filter_by": "authority:Westminster"}
    )  # fmt: skip

    (group,) = data(response)
    assert group["licence_name:set"] == ["Pet shop", "Street trading"]
    assert group["value:count"] == 4
    assert [bucket["licence_name:set"] for bucket in group["values"]] == [
        ["Street trading"],
        ["Pet shop", "Street trading"],
    ]


def test_sort_by_and_limit_apply_to_groups_of_a_period_query(licensing, read):
    response = read(
        {"period": "week", "group_by": "authority", "start_at": START, "end_at": END,
         "sort_by": "_count:descending", "limit": "1"}
    )  # fmt: skip

    (group,) = data(response)
    assert group["authority"] == "Westminster"
    assert [bucket["_count"] for bucket in group["values"]] == [1, 3]


def test_flatten_gives_one_row_per_bucket_and_group(licensing, read):
    response = read(
        {"period": "week", "group_by": "authority", "collect": "value:mean", "start_at": START, "end_at": END,
         "flatten": "true"}
    )  # fmt: skip

    assert data(response) == [
        {"authority": "Camden", **WEEK_1, "_count": 0, "value:mean": None},
        {"authority": "Westminster", **WEEK_1, "_count": 1, "value:mean": 2.0},
        {"authority": "Camden", **WEEK_2, "_count": 1, "value:mean": 5.0},
        {"authority": "Westminster", **WEEK_2, "_count": 3, "value:mean": 11 / 3},
    ]


def test_flatten_fills_combinations_of_the_values_seen(licensing, read):
    response = read(
        {
            "period": "week",
            "group_by": ["authority", "paid"],
            "start_at": START,
            "end_at": END,
            "flatten": "true",
        }
    )

    rows = [(row["_start_at"][:10], row["authority"], row["paid"], row["_count"]) for row in data(response)]
    assert rows == [
        ("2012-12-03", "Camden", False, 0),
        ("2012-12-03", "Camden", True, 0),
        ("2012-12-03", "Westminster", False, 0),
        ("2012-12-03", "Westminster", True, 1),
        ("2012-12-10", "Camden", False, 1),
        ("2012-12-10", "Camden", True, 0),
        ("2012-12-10", "Westminster", False, 1),
        ("2012-12-10", "Westminster", True, 2),
    ]


def test_a_grouped_period_query_costs_a_fixed_number_of_queries(licensing, client, django_assert_num_queries):
    params = {
        "period": "week",
        "group_by": "authority",
        "start_at": START,
        "end_at": END,
        "collect": "value:sum",
    }
    # The data set lookup and one aggregate query; on PostgreSQL the settings that let it hash (one
    # statement), and the sum first tries the fast numeric cast inside a savepoint (two more).
    expected = 2 + (3 if connection.vendor == "postgresql" else 0)
    with django_assert_num_queries(expected):
        assert client.get("/data/licensing/applications", params).status_code == 200

    store(licensing, *[{"_timestamp": f"2012-12-{day:02}T10:00:00Z", "authority": f"A{day}", "value": day}
                       for day in range(3, 17)])  # fmt: skip
    with django_assert_num_queries(expected):
        response = client.get("/data/licensing/applications", params)
    assert len(data(response)) == 16

    # Each field collected as a set costs one more query, however many groups.
    with django_assert_num_queries(expected + 1):
        client.get("/data/licensing/applications", {**params, "collect": ["value:sum", "licence_name:set"]})
