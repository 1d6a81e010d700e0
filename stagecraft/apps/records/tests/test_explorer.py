"""The query explorer's table and chart, from a query and the rows run_query gives (no database)."""

from datetime import UTC, datetime

from stagecraft.apps.records.explorer import MAX_CHART_SERIES, result_chart, result_table
from stagecraft.apps.records.query import parse_query


def query(**params):
    return parse_query({name: [value] for name, value in params.items()}, raw_queries_allowed=True)


HOURS = {"period": "hour", "start_at": "2014-01-20T00:00:00Z", "end_at": "2014-01-20T02:00:00Z"}


def test_hours_are_labelled_with_their_time_and_booleans_are_not_charted():
    rows = [
        {"_start_at": datetime(2014, 1, 20, 0, tzinfo=UTC), "_count": 2, "ok:sum": True},
        {"_start_at": datetime(2014, 1, 20, 1, tzinfo=UTC), "_count": 0, "ok:sum": None},
    ]
    chart = result_chart(query(**HOURS, collect="ok:sum"), rows)
    assert chart is not None
    assert chart["labels"] == ["2014-01-20 00:00", "2014-01-20 01:00"]
    # A boolean is not drawn; an empty hour's sum (null) is drawn as 0.
    assert chart["datasets"][1] == {"label": "ok:sum", "data": [None, 0]}


def test_flattened_rows_make_a_line_per_group():
    rows = [
        {"channel": "web", "_start_at": "2014-01-20T00:00:00+00:00", "_count": 1},
        {"channel": "post", "_start_at": "2014-01-20T00:00:00+00:00", "_count": 2},
        {"channel": "web", "_start_at": "2014-01-20T01:00:00+00:00", "_count": 3},
    ]
    chart = result_chart(query(**HOURS, group_by="channel", flatten="true"), rows)
    assert chart is not None
    assert chart["datasets"] == [
        {"label": "web", "data": [1, 3]},
        {"label": "post", "data": [2, None]},
    ]


def test_a_chart_of_many_groups_shows_the_first_and_says_so():
    rows = [
        {"channel": f"c{n:03}", "values": [{"_start_at": "2014-01-20T00:00:00+00:00", "_count": n}]}
        for n in range(30)
    ]
    chart = result_chart(query(**HOURS, group_by="channel"), rows)
    assert chart is not None
    assert len(chart["datasets"]) == MAX_CHART_SERIES
    assert chart["title"] == f"_count per hour, by channel (the first {MAX_CHART_SERIES} of 30 groups)"


def test_an_empty_answer_has_no_chart_and_an_empty_table():
    assert result_chart(query(group_by="channel"), []) is None
    assert result_table(query(group_by="channel"), []).rows == []


def test_groups_with_several_fields_and_empty_values_are_labelled():
    rows = [{"channel": "web", "region": "", "_count": 1}]
    chart = result_chart(query(group_by="channel", collect="count:sum"), rows)
    assert chart is not None
    assert chart["labels"] == ["web"]
    chart = result_chart(parse_query({"group_by": ["channel", "region"]}, True), rows)
    assert chart is not None
    assert chart["labels"] == ["web / (empty)"]
