"""format=csv (backdrop-api.md §2.3)."""

import csv
import io

from stagecraft.apps.datasets.tests.factories import DataSetFactory

from .records import store_raw


def rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_it_answers_csv_as_an_attachment_with_sorted_columns(licensing, read):
    response = read({"group_by": "authority", "collect": ["value:sum", "licence_name"], "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename=export.csv"
    assert response["Cache-Control"] == "max-age=1800, must-revalidate"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert rows(response) == [
        ["_count", "authority", "licence_name", "licence_name:set", "value:sum"],
        ["1", "Camden", '["Temporary events notice"]', '["Temporary events notice"]', "5"],
        ["4", "Westminster", '["Pet shop", "Street trading"]', '["Pet shop", "Street trading"]', "13"],
    ]


def test_columns_are_the_union_of_every_rows_keys(db, read):
    data_set = DataSetFactory.create(
        data_group__name="licensing", data_type__name="applications", published=True
    )
    store_raw(
        data_set,
        {"_id": "a1", "_timestamp": "2012-12-10T00:00:00Z", "name": 'Ann, "the first"', "ok": True},
        {"_id": "b2", "count": 3, "note": None},
    )

    response = read({"format": "csv"})

    header, first, second = rows(response)
    assert header == [
        "_day_start_at", "_hour_start_at", "_id", "_month_start_at", "_quarter_start_at", "_timestamp",
        "_updated_at", "_week_start_at", "_year_start_at", "count", "name", "note", "ok",
    ]  # fmt: skip
    assert dict(zip(header, first, strict=True))["name"] == 'Ann, "the first"'
    assert dict(zip(header, first, strict=True))["ok"] == "true"
    assert dict(zip(header, second, strict=True)) | {"_updated_at": ""} == {
        **dict.fromkeys(header, ""), "_id": "b2", "count": "3",
    }  # fmt: skip


def test_period_rows_have_iso_datetimes(licensing, read):
    response = read(
        {
            "period": "week",
            "start_at": "2012-12-03T00:00:00Z",
            "end_at": "2012-12-17T00:00:00Z",
            "format": "csv",
        }
    )

    assert rows(response) == [
        ["_count", "_end_at", "_start_at"],
        ["1", "2012-12-10T00:00:00+00:00", "2012-12-03T00:00:00+00:00"],
        ["4", "2012-12-17T00:00:00+00:00", "2012-12-10T00:00:00+00:00"],
    ]


def test_any_other_format_answers_json(licensing, read):
    assert read({"format": "xml"})["Content-Type"] == "application/json"
