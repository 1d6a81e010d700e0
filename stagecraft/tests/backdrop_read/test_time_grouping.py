"""features/read_api/group_by_day.feature, group_by_hour.feature and monthly_grouping.feature.

These scenarios write their records through the write API first, then read them grouped by period.
The data sets are protected, the original's default.
"""

from datetime import UTC, datetime, timedelta

from .conftest import results


def every(start: datetime, step: timedelta, count: int) -> list[dict]:
    return [{"_timestamp": (start + step * index).isoformat(), "value": index} for index in range(count)]


def test_grouping_data_by_day_between_two_timestamps(data_set, go, post):
    data_set("day", bearer_token="day-bearer-token")
    records = every(datetime(2013, 4, 1, 12, tzinfo=UTC), timedelta(days=1), 14)

    assert post("/day", records, "day-bearer-token").status_code == 200
    data = results(go("/day?period=day&start_at=2013-04-04T00:00:00Z&end_at=2013-04-11T00:00:00Z"))

    assert len(data) == 7
    assert [bucket["_count"] for bucket in data] == [1] * 7


def test_grouping_data_by_hour_between_two_days(data_set, go, post):
    data_set("hour", bearer_token="hour-bearer-token")
    records = every(datetime(2013, 4, 1, 0, 30, tzinfo=UTC), timedelta(hours=1), 96)

    assert post("/hour", records, "hour-bearer-token").status_code == 200
    data = results(go("/hour?period=hour&start_at=2013-04-01T13:00:00Z&end_at=2013-04-03T13:00:00Z"))

    assert len(data) == 48
    assert data[0]["_start_at"] == "2013-04-01T13:00:00+00:00"
    assert [bucket["_count"] for bucket in data] == [1] * 48


MONTHLY = [
    {"_timestamp": "2013-04-20T00:00:00Z", "value": 1},
    {"_timestamp": "2013-05-10T00:00:00Z", "value": 2},
    {"_timestamp": "2013-05-20T00:00:00Z", "value": 3},
    {"_timestamp": "2013-06-10T00:00:00Z", "value": 4},
    {"_timestamp": "2013-07-10T00:00:00Z", "value": 5},
]


def test_grouping_data_by_month_between_two_allowed_timestamps(data_set, go, post):
    data_set("month", bearer_token="month-bearer-token")

    assert post("/month", MONTHLY, "month-bearer-token").status_code == 200
    data = results(go("/month?period=month&start_at=2013-05-01T00:00:00Z&end_at=2013-07-01T00:00:00Z"))

    assert data == [
        {"_start_at": "2013-05-01T00:00:00+00:00", "_end_at": "2013-06-01T00:00:00+00:00", "_count": 2},
        {"_start_at": "2013-06-01T00:00:00+00:00", "_end_at": "2013-07-01T00:00:00+00:00", "_count": 1},
    ]


def test_grouping_data_by_month_between_disallowed_timestamps_is_refused(data_set, go, post):
    data_set("month_with_wrong_timestamp", bearer_token="month-bearer-token")

    assert post("/month_with_wrong_timestamp", MONTHLY, "month-bearer-token").status_code == 200
    response = go(
        "/month_with_wrong_timestamp?period=month&start_at=2013-05-02T00:00:00Z&end_at=2013-07-01T00:00:00Z"
    )

    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": "'start_at' must be the first of the month for period=month queries",
    }
