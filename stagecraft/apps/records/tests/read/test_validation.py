"""Every validation message of the read API, in the reference's order (backdrop-api.md §2.4)."""

import json

import pytest

from stagecraft.apps.datasets.tests.factories import DataSetFactory

from .records import LICENSING, store

START = "2012-12-03T00:00:00+00:00"
END = "2012-12-17T00:00:00+00:00"

ALWAYS = [
    ({"foo": "bar"}, "An unrecognised parameter was provided"),
    (
        {"period": "week", "start_at": START},
        "Either 'duration' or both 'start_at' and 'end_at' are required for a period query",
    ),
    (
        {"period": "week", "start_at": START, "end_at": END, "limit": "2"},
        "A period query can only be limited if it is grouped - please add 'group_by'",
    ),
    ({"start_at": "2012-12-03", "end_at": END}, "start_at is not a valid datetime"),
    ({"start_at": "2012-12-03T00:00:00", "end_at": END}, "start_at is not a valid datetime"),
    ({"start_at": "2012-12-03T00:00:00.5Z", "end_at": END}, "start_at is not a valid datetime"),
    ({"start_at": "2012-02-30T00:00:00Z", "end_at": END}, "start_at is not a valid datetime"),
    ({"start_at": "2012-12-03T00:00:00+24:00", "end_at": END}, "start_at is not a valid datetime"),
    ({"start_at": "2012-12-03T00:00:00+99:99", "end_at": END}, "start_at is not a valid datetime"),
    ({"start_at": START, "end_at": "2012-12-17T00:00:00Zjunk"}, "end_at is not a valid datetime"),
    (
        {"filter_by": "authority:Camden", "filter_by_prefix": "authority:Cam"},
        "Cannot use both filter_by and filter_by_prefix in the same query",
    ),
    (
        {"filter_by": "authority"},
        "filter_by must be a field name and value separated by a colon (:) eg. authority:Westminster",
    ),
    (
        {"filter_by_prefix": "authority"},
        "filter_by must be a field name and value separated by a colon (:) eg. authority:Westminster",
    ),
    ({"filter_by": "bad-field:x"}, "Cannot filter by an invalid field name"),
    ({"filter_by": "authority:$where"}, "filter_by must not start with a $"),
    (
        {"period": "fortnight", "start_at": START, "end_at": END},
        "'period' must be one of ['hour', 'day', 'week', 'month', 'quarter', 'year']",
    ),
    (
        {"period": "week", "start_at": START, "end_at": END, "sort_by": "value:ascending"},
        "Cannot sort for period queries without group_by. Period queries are always sorted by time.",
    ),
    (
        {"sort_by": "value"},
        "sort_by must be a field name and sort direction separated by a colon (:) eg. authority:ascending",
    ),
    (
        {"sort_by": "value:upwards"},
        "Unrecognised sort direction. Supported directions include: ascending, descending",
    ),
    ({"sort_by": "v:ascending"}, "Cannot sort by an invalid field name"),
    ({"group_by": "bad-field"}, "Cannot group by an invalid field name"),
    ({"group_by": ["authority", "x"]}, "Cannot group by an invalid field name"),
    (
        {"group_by": "_timestamp"},
        "Cannot group by internal fields, internal fields start with an underscore",
    ),
    ({"limit": "-1"}, "limit must be a positive integer"),
    ({"limit": "ten"}, "limit must be a positive integer"),
    ({"period": "week", "duration": "1.5"}, "duration must be a positive integer"),
    ({"collect": "value:sum"}, "collect can be used only with either ['group_by', 'period']"),
    (
        {"period": "week", "start_at": START, "end_at": END, "duration": "2"},
        "Absolute and relative time cannot be requested at the same time - either ask for 'start_at' and "
        "'end_at', or ask for 'start_at'/'end_at' with 'duration'",
    ),
    ({"start_at": START}, "Use of 'start_at' requires 'end_at' or 'duration'"),
    ({"end_at": END}, "Use of 'end_at' requires 'start_at' or 'duration'"),
    ({"period": "week", "duration": "0"}, "'duration' must not be zero"),
    (
        {"duration": "3"},
        "If 'duration' is requested (for relative time), 'period' is required - please add a period "
        "(like 'day', 'month' etc)",
    ),
    ({"group_by": "authority", "collect": "value:median"}, "Unknown collection method"),
    ({"group_by": "authority", "collect": "bad-field:sum"}, "Cannot collect an invalid field name"),
    (
        {"group_by": "authority", "collect": "_id"},
        "Cannot collect internal fields, internal fields start with an underscore",
    ),
    (
        {"group_by": "authority", "collect": "authority:count"},
        "Cannot collect by a field that is used for group_by",
    ),
    (
        {"group_by": ["licence_name", "authority"], "collect": "authority"},
        "Cannot collect by a field that is used for group_by",
    ),
    (
        {"group_by": "authority", "collect": "value:sum:mean"},
        "collect must be a field name, or a field name and a method separated by one colon (:) eg. "
        "value:sum; got 'value:sum:mean'",
    ),
    ({"group_by": "authority", "flatten": "yes"}, "flatten must be either 'true' or 'false'"),
    ({"start_at": START, "end_at": END, "inclusive": "1"}, "inclusive must be either 'true' or 'false'"),
    ({"inclusive": "true"}, "inclusive can be used only with either ['start_at', 'end_at']"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "message"), ALWAYS, ids=[message for _, message in ALWAYS])
def test_it_rejects_bad_queries_with_the_first_failing_rules_message(licensing, read, params, message):
    response = read(params)

    assert response.status_code == 400
    assert json.loads(response.content) == {"status": "error", "message": message}
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_it_reports_only_the_first_failure(licensing, read):
    response = read({"foo": "1", "start_at": "nonsense", "limit": "-1"})

    assert json.loads(response.content)["message"] == "An unrecognised parameter was provided"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        "2012-12-03T00:00:00Z",
        "2012-12-03T00:00:00+0000",
        "2012-12-03T05:30:00+05:30",
        "2012-12-02T19:00:00-05:00",
    ],
)
def test_it_accepts_datetimes_with_an_offset(licensing, read, value):
    response = read({"start_at": value, "end_at": END})

    assert response.status_code == 200
    assert len(json.loads(response.content)["data"]) == 5


def test_it_accepts_zero_as_no_limit(licensing, read):
    response = read({"limit": "0"})

    assert response.status_code == 200
    assert len(json.loads(response.content)["data"]) == 5


PROTECTED = [
    ({}, "querying for raw data is not allowed"),
    ({"filter_by": "authority:Camden"}, "querying for raw data is not allowed"),
    (
        {"group_by": "authority", "start_at": START, "end_at": "2012-12-09T00:00:00+00:00"},
        "The minimum time span for a query is 7 days",
    ),
    (
        {"period": "day", "start_at": START, "end_at": "2012-12-09T23:00:00+00:00"},
        "The minimum time span for a query is 7 days",
    ),
    (
        {"period": "day", "start_at": "2012-12-03T01:00:00+00:00", "end_at": END},
        "start_at must be midnight",
    ),
    (
        {"period": "day", "start_at": START, "end_at": "2012-12-17T00:00:00+01:00"},
        "end_at must be midnight",
    ),
    (
        {"period": "week", "start_at": "2012-12-04T00:00:00+00:00", "end_at": END},
        "start_at must be a monday",
    ),
    (
        {"period": "week", "start_at": START, "end_at": "2012-12-18T00:00:00+00:00"},
        "end_at must be a monday",
    ),
    (
        {"period": "month", "start_at": "2012-11-02T00:00:00+00:00", "end_at": "2013-01-01T00:00:00+00:00"},
        "'start_at' must be the first of the month for period=month queries",
    ),
    (
        {"period": "month", "start_at": "2012-11-01T00:00:00+00:00", "end_at": "2013-01-02T00:00:00+00:00"},
        "'end_at' must be the first of the month for period=month queries",
    ),
]


@pytest.fixture
def protected(db):
    data_set = DataSetFactory.create(
        data_group__name="licensing",
        data_type__name="applications",
        published=True,
        raw_queries_allowed=False,
    )
    store(data_set, *LICENSING)
    return data_set


@pytest.mark.parametrize(("params", "message"), PROTECTED, ids=[message for _, message in PROTECTED])
def test_protected_mode_rejects_raw_and_ragged_queries(protected, read, params, message):
    response = read(params)

    assert response.status_code == 400
    assert json.loads(response.content) == {"status": "error", "message": message}


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "authority"},
        {"period": "week", "start_at": START, "end_at": END},
        # The midnight rule is checked in UTC: 04:30 at +04:30 is midnight.
        {"period": "day", "start_at": "2012-12-03T04:30:00+04:30", "end_at": END},
        # Hours may start at any hour and span less than a week.
        {"period": "hour", "start_at": "2012-12-10T01:00:00+00:00", "end_at": "2012-12-10T05:00:00+00:00"},
        # The Monday rule reads the date as written: Monday 00:30 at +01:00 is Sunday in UTC.
        {"period": "week", "start_at": "2012-12-03T01:00:00+01:00", "end_at": END},
        {"period": "month", "start_at": "2012-11-01T00:00:00+00:00", "end_at": "2013-01-01T00:00:00+00:00"},
        {"period": "week", "duration": "2", "start_at": START},
    ],
)
def test_protected_mode_allows_whole_period_queries(protected, read, params):
    response = read(params)

    assert response.status_code == 200, response.content


def test_protected_mode_does_not_apply_when_raw_queries_are_allowed(licensing, read):
    response = read({"start_at": "2012-12-04T09:00:00+00:00", "end_at": "2012-12-05T00:00:00+00:00"})

    assert response.status_code == 200
    assert [row["value"] for row in json.loads(response.content)["data"]] == [2]


def test_an_end_before_the_start_is_not_rejected(licensing, read):
    response = read({"start_at": END, "end_at": START})

    assert response.status_code == 200
    assert json.loads(response.content)["data"] == []
