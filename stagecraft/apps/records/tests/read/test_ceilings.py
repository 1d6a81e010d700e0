"""Bounded cost: absurd numbers, dates that overflow, and the ceilings on buckets and set values
(stagecraft/apps/records/query/ceilings.py) answer 400 naming the limit."""

import json
from unittest import mock

import pytest

from stagecraft.apps.records.query import ceilings, engine

from .records import store

pytestmark = pytest.mark.django_db

RANGE = {"start_at": "2012-12-03T00:00:00Z", "end_at": "2012-12-17T00:00:00Z"}


def message(response) -> str:
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)["message"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"limit": "9223372036854775808"}, "limit must be at most 1000000000"),
        ({"limit": "10^20"}, "limit must be a positive integer"),
        ({"limit": "1" * 5000}, "limit must be a positive integer"),
        ({"period": "day", "duration": "10^20"}, "duration must be a positive integer"),
        ({"period": "day", "duration": "100000000000000000000"}, "duration must be at most 1000000000"),
        (
            {"period": "day", "duration": "1000000000"},
            "This query would answer 1,000,000,000 periods; at most 100,000 buckets",
        ),
        ({"period": "week", "duration": "100000000"}, "This query would answer 100,000,000 periods"),
        ({"period": "hour", "duration": "3000000"}, "This query would answer 3,000,000 periods"),
        (
            {"period": "hour", "start_at": "0001-01-01T00:00:00Z", "end_at": "9999-12-31T00:00:00Z"},
            "This query would answer 87,649,392 periods",
        ),
        (
            {"start_at": "0001-01-01T00:00:00+01:00", "end_at": "2012-12-17T00:00:00Z"},
            "start_at is out of range: in UTC it falls outside the years 1 to 9999",
        ),
        (
            {"start_at": "2012-12-03T00:00:00Z", "end_at": "9999-12-31T23:00:00-01:00"},
            "end_at is out of range: in UTC it falls outside the years 1 to 9999",
        ),
        (
            {"period": "year", "start_at": "2012-01-01T00:00:00Z", "end_at": "9999-12-31T00:00:00Z"},
            ceilings.OUT_OF_RANGE,
        ),
        ({"period": "year", "end_at": "9999-12-31T00:00:00Z", "duration": "1"}, None),
        ({"period": "year", "start_at": "9999-01-01T00:00:00Z", "duration": "1"}, ceilings.OUT_OF_RANGE),
        ({"period": "year", "start_at": "0001-01-01T00:00:00Z", "duration": "99999"}, ceilings.OUT_OF_RANGE),
        ({"period": "year", "duration": "99999"}, ceilings.OUT_OF_RANGE),
    ],
)
def test_absurd_numbers_and_dates_answer_400_naming_the_limit(licensing, read, params, expected):
    response = read(params)
    if expected is None:
        assert response.status_code == 200
    else:
        assert message(response).startswith(expected)


def test_a_relative_window_that_would_move_past_9999_answers_400(licensing, read):
    store(licensing, {"_timestamp": "9998-06-01T00:00:00Z", "authority": "Far"})
    response = read({"period": "year", "start_at": "9990-01-01T00:00:00Z", "duration": "9"})
    assert message(response) == ceilings.OUT_OF_RANGE


def test_groups_times_periods_over_the_ceiling_is_refused(licensing, read):
    params = {**RANGE, "period": "day", "group_by": "authority"}  # 14 days x 2 groups
    with mock.patch("stagecraft.apps.records.query.check_buckets", _check_with(5)):
        text = message(read(params))
    assert text.startswith("This query would answer 14 periods x 2 groups; at most 5 buckets")


def test_a_limit_brings_the_groups_under_the_ceiling(licensing, read):
    params = {**RANGE, "period": "day", "group_by": "authority", "limit": "1"}
    with mock.patch("stagecraft.apps.records.query.check_buckets", _check_with(14)):
        assert read(params).status_code == 200


def test_flattened_answers_count_every_combination(licensing, read):
    # 2 authorities x 3 licence names = 6 combinations a day, though only 4 groups exist.
    params = {**RANGE, "period": "week", "group_by": ["authority", "licence_name"], "flatten": "true"}
    with mock.patch("stagecraft.apps.records.query.check_buckets", _check_with(11)):
        assert message(read(params)).startswith("This query would answer 2 periods x 6 groups")


def test_the_database_stops_counting_groups_past_the_ceiling(licensing, read):
    with mock.patch.object(engine, "MAX_BUCKETS", 3):
        text = message(read({"group_by": "value"}))  # 4 values
    assert text.startswith("This query would answer more than 3 buckets (periods x groups)")


def test_set_values_have_a_ceiling(licensing, read):
    with mock.patch.object(engine, "MAX_SET_VALUES", 2):
        text = message(read({"group_by": "authority", "collect": "value:set"}))
    assert text.startswith("The collected sets of this query would hold more than")


def _check_with(limit: int):
    """check_buckets with another ceiling (the real one is too large to reach in a test)."""

    def check(periods: int, groups: int = 1) -> None:
        with mock.patch.object(ceilings, "MAX_BUCKETS", limit):
            ceilings.check_buckets(periods, groups)

    return check
