"""Relative ranges with duration, and the one-time shift to data (backdrop-api.md §2.5.6)."""

import json
from datetime import UTC, datetime

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.testing.clock import frozen_at

from .records import store

NOW = datetime(2012, 12, 19, 15, 30, tzinfo=UTC)  # a Wednesday


pinned_clock = frozen_at(NOW, autouse=True)


def data(response):
    assert response.status_code == 200, response.content
    return json.loads(response.content)["data"]


def starts(response):
    return [(row["_start_at"][:10], row["_count"]) for row in data(response)]


def test_duration_from_start_at_counts_forward_from_its_period(licensing, read):
    # Wednesday 5 December is truncated to Monday 3 December.
    response = read({"period": "week", "duration": "2", "start_at": "2012-12-05T12:00:00+00:00"})

    assert starts(response) == [("2012-12-03", 1), ("2012-12-10", 4)]


def test_duration_from_end_at_counts_back_and_leaves_out_the_current_period(licensing, read):
    response = read({"period": "day", "duration": "3", "end_at": "2012-12-13T18:00:00+00:00"})

    assert starts(response) == [("2012-12-10", 1), ("2012-12-11", 1), ("2012-12-12", 1)]


def test_duration_without_dates_counts_back_from_now(licensing, read):
    # Now is in the week of 17 December: the two weeks before it.
    response = read({"period": "week", "duration": "2"})

    assert starts(response) == [("2012-12-03", 1), ("2012-12-10", 4)]


def test_a_window_starting_before_the_data_moves_once_to_the_first_data(licensing, read):
    # Four weeks from 19 November: the first data is in the week of 3 December, two weeks in.
    response = read({"period": "week", "duration": "4", "start_at": "2012-11-19T00:00:00+00:00"})

    assert starts(response) == [("2012-12-03", 1), ("2012-12-10", 4), ("2012-12-17", 0), ("2012-12-24", 0)]


def test_a_window_counting_back_past_the_data_moves_back_to_the_last_data(licensing, read):
    # Three months back from now would be Sep-Nov, with data in December only... so from
    # 1 March 2013 it is Dec-Feb, whose last two months are empty: it moves back two months.
    response = read({"period": "month", "duration": "3", "end_at": "2013-03-01T00:00:00+00:00"})

    assert starts(response) == [("2012-10-01", 0), ("2012-11-01", 0), ("2012-12-01", 5)]


def test_grouped_windows_move_by_the_smallest_shift_of_any_group(licensing, read):
    response = read(
        {"period": "week", "group_by": "authority", "duration": "2", "start_at": "2012-11-26T00:00:00Z"}
    )

    # Westminster's data starts one week in, Camden's two: the window moves one week.
    assert [(row["authority"], [b["_start_at"][:10] for b in row["values"]]) for row in data(response)] == [
        ("Camden", ["2012-12-03", "2012-12-10"]),
        ("Westminster", ["2012-12-03", "2012-12-10"]),
    ]


def test_an_empty_window_does_not_move(licensing, read):
    response = read({"period": "week", "duration": "2", "start_at": "2013-06-03T00:00:00Z"})

    assert starts(response) == [("2013-06-03", 0), ("2013-06-10", 0)]


def test_flattened_windows_do_not_move(licensing, read):
    response = read(
        {"period": "week", "group_by": "authority", "duration": "2", "start_at": "2012-11-26T00:00:00Z",
         "flatten": "true"}
    )  # fmt: skip

    # Camden has no data in the window, so it gets no rows at all.
    assert [(row["_start_at"][:10], row["authority"], row["_count"]) for row in data(response)] == [
        ("2012-11-26", "Westminster", 0),
        ("2012-12-03", "Westminster", 1),
    ]


def test_the_window_moves_by_whole_periods_to_the_first_data(db, read):
    data_set = DataSetFactory.create(
        data_group__name="licensing", data_type__name="applications", published=True
    )
    store(
        data_set,
        {"_timestamp": "2013-01-15T00:00:00Z", "value": 1},
        {"_timestamp": "2013-01-28T00:00:00Z", "value": 1},
    )

    # Tuesday 1 January is in the week of 31 December; the data starts two weeks later.
    response = read({"period": "week", "duration": "3", "start_at": "2013-01-01T00:00:00Z"})

    assert starts(response) == [("2013-01-14", 1), ("2013-01-21", 0), ("2013-01-28", 1)]
