"""The record pipeline, rule by rule, with the reference's examples (backdrop-api.md §1.4-1.8)."""

import pytest

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.pipeline import (
    RecordValidationError,
    prepare_records,
    py2_str,
)
from stagecraft.apps.records.schema_check import is_iso_datetime

pytestmark = pytest.mark.django_db

TS = "2012-12-12T01:01:01Z"


def errors_for(data_set, records):
    with pytest.raises(RecordValidationError) as caught:
        prepare_records(data_set, records)
    return caught.value.messages


def test_it_returns_documents_with_utc_timestamps_as_they_are_stored(data_set):
    [document] = prepare_records(data_set, [{"_timestamp": "2014-01-02T06:04:05+03:30", "name": "x1"}])
    # The period-start fields are derived on the way out (test_documents.py), not stored.
    assert document == {"_timestamp": "2014-01-02T02:34:05+00:00", "name": "x1"}


def test_it_does_not_change_the_records_it_is_given(data_set):
    record = {"_timestamp": TS}
    prepare_records(data_set, [record])
    assert record == {"_timestamp": TS}


def test_it_keeps_microseconds_only_when_there_are_some(data_set):
    documents = prepare_records(data_set, [{"_timestamp": "2012-12-12T01:01:01.5Z"}, {"_timestamp": TS}])
    assert documents[0]["_timestamp"] == "2012-12-12T01:01:01.500000+00:00"
    assert documents[1]["_timestamp"] == "2012-12-12T01:01:01+00:00"


def test_it_parses_start_and_end_at(data_set):
    [document] = prepare_records(
        data_set, [{"_timestamp": TS, "_start_at": "2012-12-12", "_end_at": "2012-12-13T01:00:00+01:00"}]
    )
    assert document["_start_at"] == "2012-12-12T00:00:00+00:00"
    assert document["_end_at"] == "2012-12-13T00:00:00+00:00"


# -- schema -------------------------------------------------------------------------------------


def test_it_requires_a_timestamp_by_the_composed_schema(data_set):
    assert errors_for(data_set, [{"name": "no time"}]) == ["'_timestamp' is a required property"]


def test_it_applies_the_data_type_schema(transactions_data_set):
    messages = errors_for(transactions_data_set, [{"_timestamp": TS, "count": "abc", "channel": "web"}])
    assert messages == ["'abc' is not of type 'integer'"]


def test_a_change_to_the_data_type_schema_applies_to_the_next_batch(transactions_data_set):
    record = {"_timestamp": TS, "count": 1.5, "channel": "web"}
    assert errors_for(transactions_data_set, [record]) == ["1.5 is not of type 'integer'"]
    data_type = transactions_data_set.data_type
    data_type.schema = {**data_type.schema, "properties": {"count": {"type": "number"}}}
    data_type.save()

    [document] = prepare_records(transactions_data_set, [record])
    assert document["count"] == 1.5


@pytest.mark.parametrize(
    "value",
    [
        "2012-12-12T00:00:00Z",
        "2012-12-12T00:00:00+0000",
        "2012-12-12T00:00:00+01:00",
        "2012-12-12T00:00:00",
        "2012-12-12T00:00Z",
        "20121212T000000Z",
        "2012-12-12T00:00:00.123456Z",
    ],
)
def test_it_accepts_the_date_times_the_original_accepted(data_set, value):
    [document] = prepare_records(data_set, [{"_timestamp": value}])
    assert document["_timestamp"].startswith("2012-12-1")


@pytest.mark.parametrize("value", ["2012-12-12", "2012-12-12 00:00:00Z", "2012-02-30T00:00:00Z", "555"])
def test_it_rejects_the_date_times_the_original_rejected(data_set, value):
    assert f"'{value}' is not a 'date-time'" in errors_for(data_set, [{"_timestamp": value}])


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        # What datetime.fromisoformat reads, and what it refuses that the original's check accepted.
        ("2012-12-12T00:00:00,5+01:00", True),
        ("2012-12-12T24:00:00Z", True),
        ("2012-12-12T23:59:60Z", True),
        ("2012-12-12T00:00+99:00", True),
        ("2012-12-12T25:00:00Z", False),
        ("2012-12-12T00:60Z", False),
        ("2012-12-12T00:00:61Z", False),
        ("2012-13-12T00:00Z", False),
        ("2012-12-12T00:00:00+01:00 ", False),
    ],
)
def test_the_date_time_format_is_the_originals_whatever_python_reads(value, valid):
    assert is_iso_datetime(value) is valid


# -- keys, internal fields, values ---------------------------------------------------------------


@pytest.mark.parametrize("key", ["a", "x", "_", "1abc", "has-hyphen", "has.dot", "has space", "é1", ""])
def test_it_rejects_invalid_keys(data_set, key):
    assert errors_for(data_set, [{"_timestamp": TS, key: 1}]) == [f"{key} is not a valid key"]


@pytest.mark.parametrize("key", ["_a", "__", "Name", "NAME", "ab", "a1"])
def test_it_accepts_valid_keys(data_set, key):
    value = "anything" if key in ("_a", "__") else 1
    if key.startswith("_"):
        assert errors_for(data_set, [{"_timestamp": TS, key: value}]) == [
            f"{key} is not a recognised internal field"
        ]
    else:
        assert prepare_records(data_set, [{"_timestamp": TS, key: value}])[0][key] == value


@pytest.mark.parametrize("key", ["_updated_at", "_week_start_at", "_day_start_at", "_other"])
def test_it_rejects_unknown_internal_fields(data_set, key):
    assert errors_for(data_set, [{"_timestamp": TS, key: TS}]) == [
        f"{key} is not a recognised internal field"
    ]


@pytest.mark.parametrize("value", [[1, 2], {"nested": 1}, 2**63, -(2**63) - 1])
def test_it_rejects_invalid_values(data_set, value):
    assert errors_for(data_set, [{"_timestamp": TS, "field": value}]) == ["field has an invalid value"]


@pytest.mark.parametrize("value", [2**63 - 1, -(2**63), 1.5, True, None, "text", ""])
def test_it_accepts_scalar_values(data_set, value):
    assert prepare_records(data_set, [{"_timestamp": TS, "field": value}])[0]["field"] == value


@pytest.mark.parametrize(("value", "shown"), [(7, "7"), ("", ""), ("has space", "has space")])
def test_it_rejects_invalid_ids(data_set, value, shown):
    assert errors_for(data_set, [{"_timestamp": TS, "_id": value}]) == [f'_id "{shown}" is not a valid id']


def test_it_reports_only_the_first_rule_a_record_breaks(data_set):
    assert errors_for(data_set, [{"_timestamp": TS, "a": 1, "b-c": [1]}]) == ["a is not a valid key"]


# -- timestamps --------------------------------------------------------------------------------


def test_it_reports_an_unparsable_timestamp_twice_like_the_original(data_set):
    messages = errors_for(data_set, [{"_timestamp": "invalid"}])
    assert messages == [
        "'invalid' is not a 'date-time'",
        "the _timestamp must be a date in the format yyyy-MM-ddT00:00:00Z",
        "_timestamp is not a valid datetime object",
    ]


@pytest.mark.parametrize("value", ["31-11-12T00:00:00", "2012-13-01T00:00:00Z"])
def test_it_reports_out_of_range_dates(data_set, value):
    assert f"{value} in the _timestamp field is not a valid date" in errors_for(
        data_set, [{"_timestamp": value}]
    )


@pytest.mark.parametrize("value", [5, 1.5, True, None])
def test_it_answers_non_string_timestamps_with_a_message(data_set, value):
    messages = errors_for(data_set, [{"_timestamp": value}])
    assert "the _timestamp must be a date in the format yyyy-MM-ddT00:00:00Z" in messages
    assert "_timestamp is not a valid datetime object" in messages


def test_it_names_start_and_end_at_in_their_messages(data_set):
    messages = errors_for(data_set, [{"_timestamp": TS, "_start_at": "nope"}])
    assert messages == [
        "_start_at must be a date in the format yyyy-MM-ddT00:00:00Z",
        "_start_at is not a valid datetime object",
    ]


def test_it_keeps_the_last_parse_error_of_a_record(data_set):
    messages = errors_for(data_set, [{"_timestamp": TS, "_start_at": "nope", "_end_at": "2012-13-01"}])
    assert messages[0] == "2012-13-01 in the _end_at field is not a valid date"
    assert len(messages) == 2


def test_it_parses_lenient_dates_month_first_when_the_schema_allows(db):
    data_set = DataSetFactory.create()
    data_set.data_type.schema = {}
    # The composed schema always requires a date-time _timestamp; _start_at goes through dateutil.
    [document] = prepare_records(data_set, [{"_timestamp": TS, "_start_at": "12/01/2013"}])
    assert document["_start_at"] == "2013-12-01T00:00:00+00:00"


# -- auto ids ----------------------------------------------------------------------------------


def test_it_builds_the_id_from_one_field(db):
    data_set = DataSetFactory.create(auto_ids="foo")
    [document] = prepare_records(data_set, [{"_timestamp": TS, "foo": "foo"}])
    assert document["_id"] == "Zm9v"


def test_it_builds_the_id_from_several_fields_in_config_order(db):
    data_set = DataSetFactory.create(auto_ids="foo,bar")
    [document] = prepare_records(data_set, [{"_timestamp": TS, "foo": 1, "bar": "foo"}])
    assert document["_id"] == "MS5mb28="


def test_it_uses_the_raw_timestamp_text_and_replaces_a_client_id(db):
    data_set = DataSetFactory.create(auto_ids="_timestamp")
    documents = prepare_records(
        data_set,
        [
            {"_timestamp": "2013-01-01T00:00:00+01:00", "_id": "mine"},
            {"_timestamp": "2012-12-31T23:00:00Z"},
        ],
    )
    assert documents[0]["_id"] == "MjAxMy0wMS0wMVQwMDowMDowMCswMTowMA=="
    assert documents[1]["_id"] == "MjAxMi0xMi0zMVQyMzowMDowMFo="
    assert documents[0]["_timestamp"] == documents[1]["_timestamp"]


def test_it_reports_missing_id_fields_once_for_the_batch(db):
    data_set = DataSetFactory.create(auto_ids="foo,bar,baz")
    messages = errors_for(data_set, [{"_timestamp": TS, "foo": None}, {"_timestamp": TS, "foo": 1}])
    assert messages == ["The following required id fields are missing: bar, baz"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "True"),
        (False, "False"),
        (None, "None"),
        (12, "12"),
        (1.0, "1.0"),
        (0.1 + 0.2, "0.3"),
        (2 / 3, "0.666666666667"),
        (123456789012345.0, "1.23456789012e+14"),
        (1e16, "1e+16"),
        (-0.5, "-0.5"),
        ("héllo", "héllo"),
    ],
)
def test_it_renders_values_as_python_2_did(value, text):
    assert py2_str(value) == text


def test_each_record_of_a_batch_gets_the_id_of_its_own_values(db):
    data_set = DataSetFactory.create(auto_ids="name,number")
    records = [
        {"_timestamp": TS, "name": name, "number": n} for name, n in [("a", "1"), ("b", 1), ("a", True)]
    ]
    assert [document["_id"] for document in prepare_records(data_set, records)] == [
        "YS4x",  # a.1
        "Yi4x",  # b.1
        "YS5UcnVl",  # a.True
    ]


def test_it_encodes_non_ascii_values_as_utf8_before_base64(db):
    data_set = DataSetFactory.create(auto_ids="name")
    [document] = prepare_records(data_set, [{"_timestamp": TS, "name": "é"}])
    assert document["_id"] == "w6k="


# -- batches -----------------------------------------------------------------------------------


def test_it_lists_every_error_of_the_batch_in_pipeline_order(transactions_data_set):
    messages = errors_for(
        transactions_data_set,
        [
            {"_timestamp": TS, "count": 1, "channel": "web"},
            {"_timestamp": "bad", "count": "x", "channel": "web"},
            {"_timestamp": TS, "count": 2, "channel": "post", "_week_start_at": TS},
        ],
    )
    assert messages == [
        "'bad' is not a 'date-time'",
        "'x' is not of type 'integer'",
        "the _timestamp must be a date in the format yyyy-MM-ddT00:00:00Z",
        "_timestamp is not a valid datetime object",
        "_week_start_at is not a recognised internal field",
    ]


def test_it_rejects_records_that_are_not_objects(data_set):
    assert errors_for(data_set, [{"_timestamp": TS}, 5, "x"]) == [
        "Record 2 is not a JSON object",
        "Record 3 is not a JSON object",
    ]


def test_it_accepts_an_empty_batch(data_set):
    assert prepare_records(data_set, []) == []


def test_it_follows_a_change_of_the_data_type_schema(transactions_data_set):
    record = {"_timestamp": TS, "count": 1, "channel": "web", "extra": "x"}
    prepare_records(transactions_data_set, [record])
    data_type = transactions_data_set.data_type
    data_type.schema = {
        **data_type.schema,
        "additionalProperties": False,
        "properties": {**data_type.schema["properties"], "_timestamp": {}},
    }
    data_type.save()
    assert errors_for(transactions_data_set, [record]) == [
        "Additional properties are not allowed ('extra' was unexpected)"
    ]
