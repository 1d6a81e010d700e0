"""A batch prepared a chunk at a time (pipeline.PreparedBatch): the chunks storage sends while the
next is prepared, all or nothing, with the whole batch's errors in the whole batch's order."""

import pytest

from stagecraft.apps.datasets.tests.factories import DataSetFactory, DataTypeFactory
from stagecraft.apps.records.pipeline import PreparedBatch, RecordValidationError, prepare_records

pytestmark = pytest.mark.django_db

TS = "2014-01-20T10:00:00Z"


@pytest.fixture
def data_set():
    schema = {"type": "object", "properties": {"count": {"type": "integer"}}, "required": ["count"]}
    return DataSetFactory.create(
        data_type=DataTypeFactory.create(schema=schema), auto_ids="_timestamp,channel"
    )


def good(number):
    return {"_timestamp": TS, "channel": f"c{number}", "count": number}


def test_it_gives_the_documents_in_chunks(data_set):
    batch = [good(n) for n in range(7)]
    chunks = list(PreparedBatch(data_set, batch, chunk_size=3))
    assert [len(chunk) for chunk in chunks] == [3, 3, 1]
    assert [document for chunk in chunks for document in chunk] == prepare_records(data_set, batch)


def test_errors_in_later_chunks_stop_the_chunks_and_are_all_reported_in_order(data_set):
    batch = [good(0), good(1), good(2), {"_timestamp": "nope", "channel": "x", "count": 1}, good(4),
             {"_timestamp": TS, "channel": "y", "count": "many"}, {"_timestamp": TS, "count": 1}]  # fmt: skip
    given: list[list[dict]] = []

    def store(chunks):
        for chunk in chunks:
            given.append(chunk)

    with pytest.raises(RecordValidationError) as caught:
        store(PreparedBatch(data_set, batch, chunk_size=2))
    # Only the chunks before the first error were given (the caller's transaction is rolled back).
    assert [len(chunk) for chunk in given] == [2]
    with pytest.raises(RecordValidationError) as whole:
        prepare_records(data_set, batch)
    assert caught.value.errors == whole.value.errors
    assert [error.index for error in caught.value.errors] == [3, 5, 6, 3, 3]


def test_iterating_again_gives_the_same_chunks_and_the_same_error(data_set):
    prepared = PreparedBatch(data_set, [good(n) for n in range(5)], chunk_size=2)
    assert list(prepared) == list(prepared)
    failing = PreparedBatch(data_set, [good(0), good(1), {"_timestamp": TS, "channel": "z"}], chunk_size=2)
    with pytest.raises(RecordValidationError) as first:
        list(failing)
    with pytest.raises(RecordValidationError) as second:
        list(failing)
    assert first.value.errors == second.value.errors


def test_records_that_cannot_be_stored_are_refused_with_those_errors_alone(data_set):
    batch = [{"_timestamp": "nope"}, good(1), {"_timestamp": TS, "channel": "a\x00"}, {"count": 1e400}]
    with pytest.raises(RecordValidationError) as caught:
        list(PreparedBatch(data_set, batch, chunk_size=1))
    assert caught.value.messages == [
        "Record 3: channel contains a NUL character (\\u0000)",
        "Record 4: count is not a finite number",
    ]
