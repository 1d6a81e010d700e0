"""features/read_api/combination_query.feature: the combinations dashboards send.

The scenarios end on a Friday (2013-03-29), which protected mode refuses, so the data set allows raw
queries (the original's default data set is protected).
"""

from .data import licence_applications
from .helpers import results


def week(start: str, end: str, count: int) -> dict:
    return {"_start_at": f"{start}T00:00:00+00:00", "_end_at": f"{end}T00:00:00+00:00", "_count": count}


def test_weekly_data_for_the_top_three_licences_of_an_authority_between_two_points(data_set, go):
    data_set("licensing", *licence_applications(), raw_queries_allowed=True)

    data = results(
        go(
            "/licensing?group_by=licenceUrlSlug&filter_by=authorityUrlSlug:testport"
            "&start_at=2013-01-28T00:00:00%2B00:00&end_at=2013-03-29T00:00:00%2B00:00&period=week"
            "&collect=authorityName&collect=licenceName&sort_by=_count:descending&limit=3"
        )
    )

    assert len(data) == 3
    assert data[0]["licenceUrlSlug"] == "fake-licence-3"
    # Our buckets also carry the collected fields (backdrop-api.md §2.5.5 and the original's
    # nested_merge collect into every sub group); the scenario compares the buckets without them.
    buckets = [
        {key: bucket[key] for key in ("_start_at", "_end_at", "_count")} for bucket in data[0]["values"]
    ]
    assert week("2013-01-28", "2013-02-04", 2) in buckets
    assert week("2013-02-04", "2013-02-11", 5) in buckets
    assert data[0]["values"][0]["licenceName"] == ["Fake Licence 3"]


def test_weekly_data_of_an_authority_between_two_points(data_set, go):
    data_set("licensing", *licence_applications(), raw_queries_allowed=True)

    data = results(
        go(
            "/licensing?filter_by=authorityUrlSlug:testport&start_at=2013-02-04T00:00:00%2B00:00"
            "&end_at=2013-03-29T00:00:00%2B00:00&period=week"
        )
    )

    assert data == [
        week("2013-02-04", "2013-02-11", 10),
        week("2013-02-11", "2013-02-18", 0),
        week("2013-02-18", "2013-02-25", 0),
        week("2013-02-25", "2013-03-04", 0),
        week("2013-03-04", "2013-03-11", 16),
        week("2013-03-11", "2013-03-18", 21),
        week("2013-03-18", "2013-03-25", 1),
        week("2013-03-25", "2013-04-01", 4),
    ]


def test_licences_of_an_authority_between_two_points(data_set, go):
    data_set("licensing", *licence_applications(), raw_queries_allowed=True)

    data = results(
        go(
            "/licensing?group_by=licenceUrlSlug&filter_by=authorityUrlSlug:testport"
            "&start_at=2013-01-28T00:00:00%2B00:00&end_at=2013-03-29T00:00:00%2B00:00"
            "&collect=authorityName&collect=licenceName"
        )
    )

    assert len(data) == 6
    assert data[1]["licenceUrlSlug"] == "fake-licence-2"
    assert data[1]["_count"] == 12
    assert "Fake Licence 2" in data[1]["licenceName"]
    assert data[4]["licenceUrlSlug"] == "fake-licence-5"
    assert data[4]["_count"] == 12
    assert "Fake Licence 5" in data[4]["licenceName"]
