"""features/read_api/relative_date_ranges.feature: duration counted from start_at or back from end_at."""

from .data import LICENSING_2
from .helpers import results


def day(date: str, next_date: str, count: int) -> dict:
    return {"_start_at": f"{date}T00:00:00+00:00", "_end_at": f"{next_date}T00:00:00+00:00", "_count": count}


def test_periodic_data_from_the_start_at(data_set, go):
    data_set("foo", *LICENSING_2)

    data = results(go("/foo?start_at=2012-12-12T00:00:00%2B00:00&duration=2&period=day"))

    assert data == [day("2012-12-12", "2012-12-13", 2), day("2012-12-13", "2012-12-14", 1)]


def test_periodic_data_from_the_end_at(data_set, go):
    data_set("foo", *LICENSING_2)

    data = results(go("/foo?end_at=2012-12-14T00:00:00%2B00:00&duration=2&period=day"))

    assert data == [day("2012-12-12", "2012-12-13", 2), day("2012-12-13", "2012-12-14", 1)]


def test_periodic_data_from_the_start_at_where_the_first_results_are_empty(data_set, go):
    data_set("foo", *LICENSING_2)

    data = results(go("/foo?start_at=2012-11-05T00:00:00%2B00:00&duration=10&period=week"))

    assert len(data) == 10
    assert data[:3] == [
        day("2012-12-03", "2012-12-10", 1),
        day("2012-12-10", "2012-12-17", 4),
        day("2012-12-17", "2012-12-24", 0),
    ]


def test_periodic_data_from_the_end_at_where_the_first_results_are_empty(data_set, go):
    data_set("foo", *LICENSING_2)

    data = results(go("/foo?end_at=2013-02-04T00:00:00%2B00:00&duration=10&period=week"))

    assert len(data) == 10
    assert data[7:] == [
        day("2012-11-26", "2012-12-03", 0),
        day("2012-12-03", "2012-12-10", 1),
        day("2012-12-10", "2012-12-17", 4),
    ]


def test_grouped_periodic_data_from_the_start_at(data_set, go):
    data_set("foo", *LICENSING_2)

    data = results(go("/foo?start_at=2012-12-12T00:00:00%2B00:00&duration=2&period=day&group_by=authority"))

    assert [(group["authority"], group["values"]) for group in data] == [
        ("Camden", [day("2012-12-12", "2012-12-13", 1), day("2012-12-13", "2012-12-14", 0)]),
        ("Westminster", [day("2012-12-12", "2012-12-13", 1), day("2012-12-13", "2012-12-14", 1)]),
    ]


def test_grouped_periodic_data_from_the_end_at(data_set, go):
    data_set("foo", *LICENSING_2)

    data = results(go("/foo?end_at=2012-12-14T00:00:00%2B00:00&duration=2&period=day&group_by=authority"))

    assert [(group["authority"], group["values"]) for group in data] == [
        ("Camden", [day("2012-12-12", "2012-12-13", 1), day("2012-12-13", "2012-12-14", 0)]),
        ("Westminster", [day("2012-12-12", "2012-12-13", 1), day("2012-12-13", "2012-12-14", 1)]),
    ]


def test_grouped_periodic_data_from_the_start_at_where_the_first_results_are_empty(data_set, go):
    data_set("foo", *LICENSING_2)

    data = results(go("/foo?start_at=2012-12-10T00:00:00%2B00:00&duration=4&period=day&group_by=authority"))

    assert [(group["authority"], group["_count"]) for group in data] == [("Camden", 1), ("Westminster", 3)]


def test_grouped_periodic_data_from_the_end_at_where_the_last_results_are_empty(data_set, go):
    data_set("foo", *LICENSING_2)

    # 15 December is empty, so the two days end with the last data: 13 and 14 December.
    data = results(go("/foo?end_at=2012-12-16T00:00:00%2B00:00&duration=2&period=day&group_by=authority"))

    assert [(group["authority"], group["_count"]) for group in data] == [("Westminster", 2)]
