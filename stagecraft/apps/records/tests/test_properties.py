"""Property-based tests (hypothesis): the record pipeline and the read query parser, given arbitrary
strings, numbers and dates, answer only their documented validation errors, and what they accept can
be stored and read back. Deterministic (derandomized) and bounded, like the fuzz test."""

import json
import math
import os
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record
from stagecraft.apps.records.pipeline import PreparedBatch, RecordValidationError, prepare_records
from stagecraft.apps.records.query import QueryError, parse_query, run_query
from stagecraft.apps.records.query.parsing import ALLOWED_PARAMETERS
from stagecraft.apps.records.storage import store_documents
from stagecraft.libs.text import json_problem

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "150"))
BOUNDED = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NOW = datetime(2014, 1, 20, 12, 0, tzinfo=UTC)

# Text of every kind: NUL, lone surrogates, other scripts, dates near the edges of the calendar.
text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:30:00-01:00",
            "00010101T000000+0100",
            "2014-06-1xxx0:00:00+0000",
            "2012-02-30T00:00:00Z",
            "12/01/2013",
            "\x00",
            "\ud800",
        ]
    ),
    st.datetimes(timezones=st.timezones() | st.none()).map(lambda moment: moment.isoformat()),
)
numbers = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False),
    st.sampled_from([float("inf"), float("-inf"), 2**63, -(2**63) - 1, 10**20]),
)
values = st.one_of(st.none(), st.booleans(), numbers, text, st.lists(st.integers(), max_size=2))
keys = st.one_of(
    st.sampled_from(["_timestamp", "_start_at", "_end_at", "_id", "channel", "count", "_foo", "a", "K"]), text
)
records = st.dictionaries(keys, values, max_size=6)


@pytest.fixture
def data_set(db):
    return DataSetFactory.create(auto_ids="_timestamp,channel", raw_queries_allowed=True)


@BOUNDED
@given(batch=st.lists(st.one_of(records, values), max_size=4))
def test_the_pipeline_answers_only_validation_errors_and_its_documents_store(data_set, batch):
    try:
        documents = prepare_records(data_set, batch)
    except RecordValidationError as error:
        messages = error.messages
        documents = []
    else:
        messages = ["(none)"]
    assert messages
    assert all(isinstance(message, str) and message for message in messages)
    for document in documents:
        assert json_problem(document, "record") is None
        assert all(not isinstance(v, float) or math.isfinite(v) for v in document.values())
    store_documents(data_set, documents)
    stored = Record.objects.filter(
        data_set=data_set, record_id__in=[d["_id"] for d in documents if "_id" in d]
    )
    for record in stored:
        assert record.data["_id"] == record.record_id
        if record.timestamp is not None:
            assert 1 <= record.timestamp.year <= 9999


parameter_values = st.one_of(
    text,
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.sampled_from(
        [
            "hour",
            "day",
            "week",
            "month",
            "quarter",
            "year",
            "true",
            "false",
            "csv",
            "count:sum",
            "count",
            "channel",
            "channel:web",
            "count:descending",
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:00:00-01:00",
            "9999-12-31T00:00:00Z",
            "2014-01-06T00:00:00Z",
            "1000000000",
            "100000",
        ]
    ),
)
parameters = st.dictionaries(
    st.one_of(st.sampled_from(sorted(ALLOWED_PARAMETERS)), text),
    st.lists(parameter_values, min_size=1, max_size=2),
)


@BOUNDED
@given(args=parameters, raw_queries_allowed=st.booleans())
def test_the_query_parser_and_engine_answer_only_query_errors(data_set, args, raw_queries_allowed):
    store_documents(
        data_set,
        prepare_records(data_set, [{"_timestamp": "2014-01-06T10:00:00Z", "channel": "web", "count": 3}]),
    )
    try:
        query = parse_query(args, raw_queries_allowed)
        rows = run_query(data_set, query, now=NOW)
    except QueryError as error:
        message = error.message
        rows = []
    else:
        message = "(none)"
    assert isinstance(message, str)
    assert message
    json.dumps(rows, default=str)


def _prepared(data_set, batch, chunk_size):
    """The documents and errors of a batch prepared `chunk_size` records at a time."""
    try:
        return [
            document for chunk in PreparedBatch(data_set, batch, chunk_size=chunk_size) for document in chunk
        ], []
    except RecordValidationError as error:
        return None, error.errors


@BOUNDED
@given(batch=st.lists(records, max_size=9), chunk_size=st.integers(min_value=1, max_value=4))
def test_a_batch_prepared_in_chunks_answers_as_the_whole_batch(data_set, batch, chunk_size):
    # The whole batch in one chunk is how the pipeline always checked a batch.
    assert _prepared(data_set, batch, chunk_size) == _prepared(data_set, batch, len(batch) + 1)


# The record rules' fast pass of a chunk never lets through what validate_record refuses.
_rule_values = st.one_of(
    values,
    st.datetimes(timezones=st.just(UTC)),
    st.sampled_from(["", "with space", "x" * 300, "é" * 300]),
)
_rule_records = st.dictionaries(keys, _rule_values, max_size=6)


@given(chunk=st.lists(_rule_records, max_size=5))
@BOUNDED
def test_the_rules_fast_pass_of_a_chunk_agrees_with_validate_record(chunk):
    from stagecraft.apps.records.pipeline import _certainly_valid, validate_record

    if _certainly_valid(chunk):
        assert all(validate_record(record) is None for record in chunk)


def test_the_rules_fast_pass_takes_the_common_chunk_and_leaves_the_rest():
    from stagecraft.apps.records.pipeline import _certainly_valid

    moment = datetime(2014, 1, 1, tzinfo=UTC)
    good = {"_id": "a.b", "_timestamp": moment, "channel": "paper", "count": 1, "rate": 0.5, "ok": None}
    assert _certainly_valid([good, dict(good, _id="c")])
    for bad in (
        {"when": moment},  # a datetime outside the time fields
        {"_timestamp": "2014-01-01"},  # a time field left unparsed
        {"count": 2**63},
        {"_id": "a b"},
        {"_id": ""},
        {"_other": 1},
    ):
        assert not _certainly_valid([good, dict(good, **bad)]), bad


# The time fields of a chunk, parsed a field at a time, as each record's are parsed on its own.
_time_values = st.one_of(
    st.sampled_from(
        [
            "2014-01-01T00:00:00Z",
            "2014-01-01T01:30:00+01:00",
            "2014-01-01T00:00:00",
            "2014-01-01T00:00:00.5-05:00",
            "20140101T000000Z",  # the basic form: dateutil's
            "2014-01-01T24:00:00Z",
            "0001-01-01T00:00:00+01:00",  # before the year 1 in UTC
            "2014-02-30T00:00:00Z",
            "not a date",
            "",
        ]
    ),
    st.integers(),
    st.none(),
)
_time_records = st.lists(
    st.dictionaries(
        st.sampled_from(["_timestamp", "_start_at", "_end_at", "name"]), _time_values, max_size=4
    ),
    max_size=5,
)


@given(chunk=_time_records)
@BOUNDED
def test_a_chunks_time_fields_parse_as_each_records_would(chunk):
    from stagecraft.apps.records.record_times import _parse_time_fields, parse_time_fields

    one_by_one = [dict(record) for record in chunk]
    errors = [(index, _parse_time_fields(record)) for index, record in enumerate(one_by_one, 10)]
    together = [dict(record) for record in chunk]

    found = parse_time_fields(together, offset=10)

    assert together == one_by_one
    assert [(error.index, (error.field, error.message)) for error in found] == [
        (index, error) for index, error in errors if error
    ]
