"""Stored and derived fields (documents.py): what readers get from a lean stored document."""

import datetime

import pytest

from stagecraft.apps.records.documents import (
    DERIVED_FIELDS,
    full_document,
    period_start_texts,
    stored_document,
)
from stagecraft.apps.records.periods import PERIOD_NAMES, period_start

UTC = datetime.UTC
WRITTEN = datetime.datetime(2014, 6, 1, 12, 0, tzinfo=UTC)


def test_it_adds_the_period_fields_from_the_timestamp_and_the_write_time():
    timestamp = datetime.datetime(2014, 1, 2, 2, 34, 5, tzinfo=UTC)
    document = full_document({"_timestamp": "2014-01-02T02:34:05+00:00", "name": "x1"}, timestamp, WRITTEN)
    assert document == {
        "_timestamp": "2014-01-02T02:34:05+00:00",
        "name": "x1",
        "_hour_start_at": "2014-01-02T02:00:00+00:00",
        "_day_start_at": "2014-01-02T00:00:00+00:00",
        "_week_start_at": "2013-12-30T00:00:00+00:00",
        "_month_start_at": "2014-01-01T00:00:00+00:00",
        "_quarter_start_at": "2014-01-01T00:00:00+00:00",
        "_year_start_at": "2014-01-01T00:00:00+00:00",
        "_updated_at": "2014-06-01T12:00:00+00:00",
    }


def test_a_record_without_timestamp_gets_only_its_write_time():
    assert full_document({"_id": "a"}, None, WRITTEN) == {
        "_id": "a",
        "_updated_at": "2014-06-01T12:00:00+00:00",
    }


def test_the_write_time_keeps_microseconds_only_when_there_are_some():
    written = WRITTEN.replace(microsecond=500000)
    assert full_document({}, None, written)["_updated_at"] == "2014-06-01T12:00:00.500000+00:00"


def test_it_does_not_change_the_stored_document():
    stored = {"_id": "a"}
    full_document(stored, WRITTEN, WRITTEN)
    assert stored == {"_id": "a"}


def test_the_week_starts_on_the_monday_in_utc():
    # 2013-03-17T23:30:00-02:00 is Monday 01:30 in UTC.
    moment = datetime.datetime(2013, 3, 17, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-2)))
    assert period_start_texts(moment)["_week_start_at"] == "2013-03-18T00:00:00+00:00"


@pytest.mark.parametrize(
    ("timestamp", "quarter"),
    [
        (datetime.datetime(2013, 2, 28, 10, tzinfo=UTC), "2013-01-01"),
        (datetime.datetime(2013, 4, 1, tzinfo=UTC), "2013-04-01"),
        (datetime.datetime(2013, 9, 30, 23, 59, 59, tzinfo=UTC), "2013-07-01"),
        (datetime.datetime(2013, 12, 31, 12, tzinfo=UTC), "2013-10-01"),
    ],
)
def test_it_derives_the_quarter_start(timestamp, quarter):
    assert period_start_texts(timestamp)["_quarter_start_at"] == f"{quarter}T00:00:00+00:00"


def test_period_texts_match_the_period_arithmetic_over_several_years():
    moment = datetime.datetime(2011, 12, 25, 23, 59, 59, 999999, tzinfo=UTC)
    for _ in range(600):
        moment += datetime.timedelta(days=3, hours=5, minutes=7)
        expected = {f"_{name}_start_at": period_start(name, moment).isoformat() for name in PERIOD_NAMES}
        assert period_start_texts(moment) == expected


def test_stored_document_drops_the_derived_fields_only():
    fat = {"_id": "a", "_timestamp": "2014-01-02T02:34:05+00:00", **dict.fromkeys(DERIVED_FIELDS, "x")}
    assert stored_document(fat) == {"_id": "a", "_timestamp": "2014-01-02T02:34:05+00:00"}
