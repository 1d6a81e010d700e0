"""features/read_api/group_by_hour.feature: records written through the write API, read by hour."""

from datetime import UTC, datetime, timedelta

from .data import every
from .helpers import results


def test_grouping_data_by_hour_between_two_days(data_set, go, post):
    data_set("hour", bearer_token="hour-bearer-token")
    records = every(datetime(2013, 4, 1, 0, 30, tzinfo=UTC), timedelta(hours=1), 96)

    assert post("/hour", records, "hour-bearer-token").status_code == 200
    data = results(go("/hour?period=hour&start_at=2013-04-01T13:00:00Z&end_at=2013-04-03T13:00:00Z"))

    assert len(data) == 48
    assert data[0]["_start_at"] == "2013-04-01T13:00:00+00:00"
    assert [bucket["_count"] for bucket in data] == [1] * 48
