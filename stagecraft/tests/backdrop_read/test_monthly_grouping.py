"""features/read_api/monthly_grouping.feature: month buckets start on the first of the month.

The data sets are protected, the original's default, so a start_at on the 2nd is refused.
"""

from .helpers import results

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
