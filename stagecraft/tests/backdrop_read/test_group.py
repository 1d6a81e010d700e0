"""features/read_api/group.feature: group_by, period and both, with filters.

The original's period scenarios here give no time range; the contract (backdrop-api.md §2.4) and
the original's later versions require one, so these tests give the range covering the data, and
one test shows a bare `period` is refused.
"""

from .data import LICENSING, LICENSING_2, WEEKLY
from .helpers import results

WEEKS = "start_at=2013-03-11T00:00:00Z&end_at=2013-03-25T00:00:00Z"
WEEK_11 = {"_start_at": "2013-03-11T00:00:00+00:00", "_end_at": "2013-03-18T00:00:00+00:00"}
WEEK_18 = {"_start_at": "2013-03-18T00:00:00+00:00", "_end_at": "2013-03-25T00:00:00+00:00"}


def unnamed(records):
    return [{"_timestamp": record["_timestamp"]} for record in records]


def test_grouping_data_by_a_key(data_set, go):
    data_set("foo", *LICENSING)

    assert results(go("/foo?group_by=authority")) == [
        {"authority": "Camden", "_count": 2},
        {"authority": "Westminster", "_count": 4},
    ]


def test_grouping_and_filtering_by_different_keys(data_set, go):
    data_set("foo", *LICENSING_2)

    by_authority = results(go("/foo?group_by=authority&filter_by=licence_name:Temporary%20events%20notice"))
    by_licence = results(go("/foo?group_by=licence_name&filter_by=authority:Westminster"))

    assert by_authority == [{"authority": "Camden", "_count": 1}, {"authority": "Westminster", "_count": 3}]
    assert by_licence == [
        {"licence_name": "Cat herding licence", "_count": 1},
        {"licence_name": "Temporary events notice", "_count": 3},
    ]


def test_grouping_data_by_week(data_set, go):
    data_set("weekly", *unnamed(WEEKLY))

    assert results(go(f"/weekly?period=week&{WEEKS}")) == [{**WEEK_11, "_count": 3}, {**WEEK_18, "_count": 2}]


def test_a_period_without_a_time_range_is_refused(data_set, go):
    data_set("weekly", *unnamed(WEEKLY))

    response = go("/weekly?period=week")

    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": "Either 'duration' or both 'start_at' and 'end_at' are required for a period query",
    }


def test_grouping_data_by_week_and_filtering(data_set, go):
    data_set("weekly", *WEEKLY)

    data = results(go(f"/weekly?period=week&filter_by=name:alpha&{WEEKS}"))

    assert data == [{**WEEK_11, "_count": 2}, {**WEEK_18, "_count": 1}]


def test_grouping_data_by_week_and_a_name(data_set, go):
    data_set("weekly", *WEEKLY)

    data = results(go(f"/weekly?period=week&group_by=name&{WEEKS}"))

    assert [group["name"] for group in data] == ["alpha", "beta"]
    assert {**WEEK_11, "_count": 2} in data[0]["values"]


def test_grouping_data_by_week_and_a_name_filtered_by_a_key_and_value(data_set, go):
    data_set("weekly", *WEEKLY)

    data = results(go(f"/weekly?period=week&group_by=name&filter_by=name:alpha&{WEEKS}"))

    assert len(data) == 1
    assert data[0]["values"] == [{**WEEK_11, "_count": 2}, {**WEEK_18, "_count": 1}]


def test_grouping_data_by_week_and_a_name_that_does_not_exist_gives_no_results(data_set, go):
    data_set("weekly", *WEEKLY)

    assert results(go(f"/weekly?period=week&group_by=wibble&{WEEKS}")) == []


def test_grouping_by_week_and_the_field_of_that_period_is_refused(data_set, go):
    data_set("weekly", *LICENSING)

    response = go(
        "/weekly?period=week&group_by=_week_start_at&start_at=2012-12-10T00:00:00Z&end_at=2012-12-24T00:00:00Z"
    )

    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": "Cannot group by internal fields, internal fields start with an underscore",
    }


def test_grouping_by_internal_fields_is_refused(data_set, go):
    data_set("weekly", *LICENSING)

    response = go("/weekly?group_by=_anything")

    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": "Cannot group by internal fields, internal fields start with an underscore",
    }
