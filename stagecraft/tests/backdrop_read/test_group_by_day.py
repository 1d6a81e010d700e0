"""features/read_api/group_by_day.feature: records written through the write API, read by day."""

from datetime import UTC, datetime, timedelta

from .data import every
from .helpers import results


def test_grouping_data_by_day_between_two_timestamps(data_set, go, post):
    data_set("day", bearer_token="day-bearer-token")
    records = every(datetime(2013, 4, 1, 12, tzinfo=UTC), timedelta(days=1), 14)

    assert post("/day", records, "day-bearer-token").status_code == 200
    data = results(go("/day?period=day&start_at=2013-04-04T00:00:00Z&end_at=2013-04-11T00:00:00Z"))

    assert len(data) == 7
    assert [bucket["_count"] for bucket in data] == [1] * 7
