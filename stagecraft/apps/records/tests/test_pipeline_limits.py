"""The record pipeline under hostile input: text the database can't store, numbers that aren't finite,
dates that overflow in UTC, records too large; and the original's batch error list, held exactly."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stagecraft.apps.datasets.tests.factories import DataSetFactory, DataTypeFactory
from stagecraft.apps.records.documents import period_start_texts
from stagecraft.apps.records.limits import (
    MAX_DOCUMENT_BYTES,
    MAX_KEY_LENGTH,
    MAX_KEYS,
    _certainly_fine,
    _first_problem,
)
from stagecraft.apps.records.pipeline import RecordValidationError, prepare_records, prepare_replacement
from stagecraft.libs.request_body import parse_json

pytestmark = pytest.mark.django_db

TS = "2012-12-12T01:01:01Z"


def errors_for(data_set, records):
    with pytest.raises(RecordValidationError) as caught:
        prepare_records(data_set, records)
    return caught.value


def test_it_answers_the_original_batch_error_list_exactly(db):
    """The original data store's own test (tests/core/test_data_set.py): eight messages."""
    data_set = DataSetFactory.create(auto_ids="_timestamp,that")
    error = errors_for(data_set, [{"_timestamp": "2014-06-1xxx0:00:00+0000"}, {"thing": {}}, {"_foo": "bar"}])
    assert sorted(error.messages) == sorted(
        [
            "'_timestamp' is a required property",
            "'_timestamp' is a required property",
            "'2014-06-1xxx0:00:00+0000' is not a 'date-time'",
            "The following required id fields are missing: that",
            "the _timestamp must be a date in the format yyyy-MM-ddT00:00:00Z",
            "thing has an invalid value",
            "_foo is not a recognised internal field",
            "_timestamp is not a valid datetime object",
        ]
    )


def test_it_names_the_missing_id_fields_of_the_first_record_lacking_some(db):
    """The original's second case: the first record has both fields, the second neither."""
    data_set = DataSetFactory.create(auto_ids="_timestamp,that")
    error = errors_for(
        data_set, [{"_timestamp": "2012-12-12T00:00:00+00:00", "that": "dog"}, {"thing": {}}, {"_foo": "bar"}]
    )
    assert "The following required id fields are missing: _timestamp, that" in error.messages
    assert len(error.messages) == 5


@pytest.mark.parametrize(
    ("record", "message", "field"),
    [
        ({"name": "a\x00b"}, "Record 1: name contains a NUL character (\\u0000)", "name"),
        ({"name": "a\ud800b"}, "Record 1: name contains a lone surrogate (\\ud800)", "name"),
        ({"na\x00me": 1}, "Record 1: a key contains a NUL character (\\u0000)", None),
        ({"_id": "a\x00"}, "Record 1: _id contains a NUL character (\\u0000)", "_id"),
        ({"count": float("inf")}, "Record 1: count is not a finite number", "count"),
        ({"count": float("-inf")}, "Record 1: count is not a finite number", "count"),
        ({"nested": {"a": ["\x00"]}}, "Record 1: nested.a[0] contains a NUL character (\\u0000)", "nested"),
    ],
)
def test_it_refuses_what_the_database_cannot_store_naming_the_field(data_set, record, message, field):
    error = errors_for(data_set, [{"_timestamp": TS}, {"_timestamp": TS, **record}])
    assert error.messages == [message.replace("Record 1", "Record 2")]
    assert error.errors[0].index == 1
    assert error.errors[0].field == field


def test_infinite_numbers_from_json_are_refused_also_as_auto_ids(db):
    data_set = DataSetFactory.create(auto_ids="_timestamp,count")
    records = parse_json(b'[{"_timestamp": "2012-12-12T01:01:01Z", "count": 1e400}]')
    assert isinstance(records, list)
    assert errors_for(data_set, records).messages == ["Record 1: count is not a finite number"]


def test_a_surrogate_in_an_auto_id_field_is_refused_not_encoded(db):
    data_set = DataSetFactory.create(auto_ids="name")
    assert errors_for(data_set, [{"_timestamp": TS, "name": "\udfff"}]).messages == [
        "Record 1: name contains a lone surrogate (\\udfff)"
    ]


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00", "00010101T000000+0100"],
)
@pytest.mark.parametrize("field", ["_timestamp", "_start_at", "_end_at"])
def test_dates_that_overflow_in_utc_are_refused(data_set, field, value):
    record = {"_timestamp": TS, field: value}
    assert f"{value} in the {field} field is not a valid date" in errors_for(data_set, [record]).messages


def test_the_extreme_dates_that_fit_in_utc_are_kept(data_set):
    first, last = prepare_records(
        data_set, [{"_timestamp": "0001-01-01T00:00:00Z"}, {"_timestamp": "9999-12-31T23:59:59Z"}]
    )
    assert first["_timestamp"] == "0001-01-01T00:00:00+00:00"
    assert last["_timestamp"] == "9999-12-31T23:59:59+00:00"
    first_moment = datetime.datetime.fromisoformat(first["_timestamp"])
    last_moment = datetime.datetime.fromisoformat(last["_timestamp"])
    assert period_start_texts(first_moment)["_week_start_at"] == "0001-01-01T00:00:00+00:00"
    assert period_start_texts(last_moment)["_year_start_at"] == "9999-01-01T00:00:00+00:00"


def test_it_refuses_records_with_too_many_keys(data_set):
    record = {"_timestamp": TS, **{f"key_{n}": n for n in range(MAX_KEYS)}}
    assert errors_for(data_set, [record]).messages == [
        f"Record 1: it has {MAX_KEYS + 1} keys; at most {MAX_KEYS} are allowed"
    ]


def test_it_refuses_keys_that_are_too_long(data_set):
    key = "k" * (MAX_KEY_LENGTH + 1)
    [message] = errors_for(data_set, [{"_timestamp": TS, key: 1}]).messages
    assert message.startswith("Record 1: the key kkkk")
    assert message.endswith(f"is {MAX_KEY_LENGTH + 1} characters long; at most {MAX_KEY_LENGTH}")


def test_it_refuses_records_too_large_and_accepts_them_at_the_limit(data_set):
    base = {"_timestamp": TS, "text": ""}
    room = MAX_DOCUMENT_BYTES - len('{"_timestamp":"2012-12-12T01:01:01Z","text":""}')
    assert prepare_records(data_set, [{**base, "text": "x" * room}])
    [message] = errors_for(data_set, [{**base, "text": "x" * (room + 1)}]).messages
    assert message == f"Record 1: it is {MAX_DOCUMENT_BYTES + 1:,} bytes of JSON; at most 65,536 are allowed"


def test_a_replacement_follows_the_same_rules_and_keeps_the_given_id(db):
    data_set = DataSetFactory.create(auto_ids="channel")
    document = prepare_replacement(data_set, "r1", {"_timestamp": TS, "channel": "web", "_id": "other"})
    assert document["_id"] == "r1"
    assert document["_timestamp"] == "2012-12-12T01:01:01+00:00"
    with pytest.raises(RecordValidationError) as caught:
        prepare_replacement(data_set, "r1", {"_timestamp": "0001-01-01T00:00:00+01:00"})
    assert caught.value.messages == [
        "0001-01-01T00:00:00+01:00 in the _timestamp field is not a valid date",
        "_timestamp is not a valid datetime object",
    ]


def test_a_schema_reference_pointing_nowhere_is_refused_not_crashed(db):
    data_type = DataTypeFactory.create(schema={"properties": {"count": {"$ref": "#/nowhere"}}})
    data_set = DataSetFactory.create(data_type=data_type)
    error = errors_for(data_set, [{"_timestamp": TS, "count": 1}])
    assert error.messages[0].startswith("The data set's schema can't be used (")


def test_a_data_type_schema_may_not_refer_outside_itself(db):
    from django.core.exceptions import ValidationError

    from stagecraft.apps.datasets.models import DataType

    with pytest.raises(ValidationError, match="refers to http://example.org/schema.json"):
        DataType(
            name="t", schema={"properties": {"a": {"$ref": "http://example.org/schema.json"}}}
        ).full_clean()


# The fast pass never lets through what the full check would refuse.
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=300),
)


_records = st.dictionaries(
    st.text(max_size=140), st.one_of(_scalars, st.lists(_scalars, max_size=3)), max_size=12
)


@given(record=_records)
@settings(max_examples=300)
def test_the_fast_pass_agrees_with_the_full_check(record):
    if _certainly_fine([record]):
        assert _first_problem(record) == (None, None)


@given(records=st.lists(_records, max_size=5))
@settings(max_examples=300)
def test_the_fast_pass_of_a_chunk_agrees_with_the_full_check(records):
    if _certainly_fine(records):
        assert all(_first_problem(record) == (None, None) for record in records)


def test_the_fast_pass_takes_a_large_record_to_the_full_check():
    record = {f"key_{n}": "x" * 300 for n in range(250)}
    assert not _certainly_fine([record])
    assert not _certainly_fine([record, {"small": 1}])
    assert _first_problem(record)[0] is not None


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b", "\udfff"])
def test_the_fast_pass_leaves_unstorable_text_to_the_full_check(text):
    assert not _certainly_fine([{"value": text}])
    assert not _certainly_fine([{text: 1}])
    assert not _certainly_fine([{"other": 1}, {"value": text}])
    assert _first_problem({"value": text})[0] is not None


def test_a_backslash_before_u0000_is_only_a_suspicion(data_set):
    record = {"_timestamp": TS, "path": "C:\\u0000"}
    assert not _certainly_fine([record])
    assert prepare_records(data_set, [record])[0]["path"] == "C:\\u0000"
