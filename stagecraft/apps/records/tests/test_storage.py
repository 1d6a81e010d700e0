"""Storing documents: upserts, duplicates, emptying, single-record changes, the capped-size rule."""

import datetime

import pytest
from django.db import connection

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record, RecordCount
from stagecraft.apps.records.pipeline import prepare_records
from stagecraft.apps.records.storage import (
    delete_record,
    empty_data_set,
    enforce_capped_size,
    patch_record,
    store_chunks,
    store_documents,
)

pytestmark = pytest.mark.django_db


def doc(record_id=None, timestamp="2014-01-01T00:00:00+00:00", **fields):
    document = {"_timestamp": timestamp, **fields}
    if record_id is not None:
        document["_id"] = record_id
    return document


def test_it_stores_documents_with_their_columns(data_set, frozen_now):
    assert store_documents(data_set, [doc("a", count=1)]) == 1
    record = Record.objects.get()
    assert record.record_id == "a"
    assert record.timestamp == datetime.datetime(2014, 1, 1, tzinfo=datetime.UTC)
    assert record.updated_at == frozen_now
    assert record.data == {"_timestamp": "2014-01-01T00:00:00+00:00", "_id": "a", "count": 1}
    assert record.document["_updated_at"] == "2014-01-20T12:00:00+00:00"


def test_it_gives_documents_without_an_id_a_uuid(data_set):
    store_documents(data_set, [doc(), doc()])
    ids = [record.record_id for record in Record.objects.all()]
    assert len(set(ids)) == 2
    assert all(len(record_id) == 32 for record_id in ids)
    assert all(record.data["_id"] == record.record_id for record in Record.objects.all())


def test_it_replaces_a_stored_document_whole(data_set):
    store_documents(data_set, [doc("a", count=1, channel="web")])
    store_documents(data_set, [doc("a", count=2)])
    record = Record.objects.get()
    assert record.data["count"] == 2
    assert "channel" not in record.data


def test_later_duplicates_in_a_batch_win(data_set):
    assert store_documents(data_set, [doc("a", count=1), doc("b"), doc("a", count=3)]) == 2
    assert Record.objects.get(record_id="a").data["count"] == 3


def test_the_same_id_in_another_data_set_is_another_record(data_set):
    other = DataSetFactory.create()
    store_documents(data_set, [doc("a", count=1)])
    store_documents(other, [doc("a", count=2)])
    assert Record.objects.count() == 2


def test_it_stores_records_without_a_timestamp_with_an_empty_timestamp_column(data_set):
    store_documents(data_set, [{"_id": "x", "name": "no time"}])
    assert Record.objects.get().timestamp is None


# The data set's write lock: one more query on PostgreSQL (SQLite's database lock serialises writers).
LOCK = 1 if connection.vendor == "postgresql" else 0


def test_a_batch_costs_a_fixed_number_of_queries(data_set, django_assert_num_queries):
    # SAVEPOINT, the lock (PostgreSQL), one INSERT ... ON CONFLICT, the record count's upsert, RELEASE;
    # on PostgreSQL first the id sequence's last value (to count the new rows), on SQLite a look-up
    # of the batch's ids. (SQLite caps parameters per statement at 999, so there Django splits
    # batches over 150 rows; PostgreSQL sends 1,000 rows per statement.)
    queries = 5 + LOCK
    with django_assert_num_queries(queries):
        store_documents(data_set, [doc(str(n)) for n in range(10)])
    with django_assert_num_queries(queries):
        store_documents(data_set, [doc(str(n)) for n in range(150)])


def test_it_empties_a_data_set_and_only_that_one(data_set, django_assert_num_queries):
    other = DataSetFactory.create()
    store_documents(data_set, [doc(str(n)) for n in range(5)])
    store_documents(other, [doc("keep")])
    # SAVEPOINT, the lock, the DELETE, the record count's UPDATE, RELEASE.
    with django_assert_num_queries(4 + LOCK):
        assert empty_data_set(data_set) == 5
    assert list(Record.objects.values_list("record_id", flat=True)) == ["keep"]


def test_it_deletes_one_record(data_set):
    store_documents(data_set, [doc("a"), doc("b")])
    assert delete_record(data_set, "a") is True
    assert delete_record(data_set, "a") is False
    assert list(Record.objects.values_list("record_id", flat=True)) == ["b"]


def test_it_patches_a_record_by_replacing_it(data_set, frozen_now):
    store_documents(data_set, [doc("a", count=1)])
    assert patch_record(data_set, "a", {"count": 5, "_timestamp": "2015-01-01T00:00:00Z"}) is True
    record = Record.objects.get()
    assert record.data == {"count": 5, "_timestamp": "2015-01-01T00:00:00Z", "_id": "a"}
    assert record.document["_updated_at"] == "2014-01-20T12:00:00+00:00"
    assert record.timestamp == datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
    assert patch_record(data_set, "missing", {"count": 1}) is False


def test_it_stores_what_the_pipeline_prepares(data_set):
    documents = prepare_records(data_set, [{"_timestamp": "2013-03-17T23:30:00-02:00", "_id": "x1"}])
    store_documents(data_set, documents)
    record = Record.objects.get()
    assert "_week_start_at" not in record.data
    assert record.document["_week_start_at"] == "2013-03-18T00:00:00+00:00"


# -- capped size -------------------------------------------------------------------------------


def capped(size):
    return DataSetFactory.create(capped_size=size)


def test_it_keeps_everything_while_under_the_budget(db):
    data_set = capped(10_000)
    store_documents(data_set, [doc(str(n)) for n in range(10)])
    assert Record.objects.count() == 10
    assert enforce_capped_size(data_set) == 0


def test_it_removes_the_oldest_records_beyond_the_budget(db):
    data_set = capped(10**6)
    days = ["2014-01-05", "2014-01-01", "2014-01-03", "2014-01-04", "2014-01-02"]
    store_documents(data_set, [doc(f"day{day[-1]}", timestamp=f"{day}T00:00:00+00:00") for day in days])
    size = Record.objects.get(record_id="day1").size
    assert size > 100
    # Room for three documents and a bit: the two oldest go.
    data_set.capped_size = size * 3 + 10
    assert enforce_capped_size(data_set) == 2
    assert sorted(Record.objects.values_list("record_id", flat=True)) == ["day3", "day4", "day5"]


def test_it_applies_the_budget_after_each_write(db):
    data_set = capped(400)
    for n in range(10):
        store_documents(data_set, [doc(f"r{n}", timestamp=f"2014-01-{n + 1:02}T00:00:00+00:00")])
    kept = Record.objects.order_by("timestamp")
    assert sum(record.size for record in kept) <= 400
    newest = kept.last()
    assert newest is not None
    assert newest.record_id == "r9"
    assert kept.count() < 10


def test_records_without_a_timestamp_go_first(db):
    data_set = capped(10**6)
    store_documents(data_set, [{"_id": "untimed"}, doc("timed")])
    data_set.capped_size = Record.objects.get(record_id="timed").size
    assert enforce_capped_size(data_set) == 1
    assert list(Record.objects.values_list("record_id", flat=True)) == ["timed"]


def test_uncapped_data_sets_do_not_measure_documents(data_set):
    store_documents(data_set, [doc("a")])
    assert Record.objects.get().size == 0


# -- a batch in chunks -------------------------------------------------------------------------


def test_chunks_count_each_new_record_once_and_the_later_duplicate_wins(data_set):
    store_documents(data_set, [doc("old", count=0)])
    chunks = [[doc("a", count=1), doc("old", count=1)], [doc("b", count=2)], [doc("a", count=3), doc("c")]]

    assert store_chunks(data_set, chunks) == 4

    assert (
        RecordCount.objects.get(data_set=data_set).count
        == Record.objects.filter(data_set=data_set).count()
        == 4
    )
    assert Record.objects.get(data_set=data_set, record_id="a").data["count"] == 3
    assert Record.objects.get(data_set=data_set, record_id="old").data["count"] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_all_new_records_go_through_copy_with_every_kind_of_text_intact(data_set):
    # Ids from elsewhere than the pipeline (which refuses whitespace in them) are escaped all the same.
    ids = ["plain", "tab\tid", "new\nline", "cr\rid", "back\\slash", "\\N", "é😀"]
    texts = ["tab\there", "new\nline", "back\\slash \\N", 'quote " \\"', "é€😀", "\u2028", ""]
    chunks = [
        [doc(record_id, note=text) for record_id, text in zip(ids, texts, strict=True)][:4],
        [doc(record_id, note=text) for record_id, text in zip(ids, texts, strict=True)][4:] + [doc(None)],
    ]

    assert store_chunks(data_set, chunks, all_new=True) == len(ids) + 1

    stored = dict(Record.objects.filter(data_set=data_set).values_list("record_id", "data"))
    assert {record_id: stored[record_id]["note"] for record_id in ids} == dict(zip(ids, texts, strict=True))
    assert all(document["_id"] == record_id for record_id, document in stored.items())
    assert Record.objects.filter(data_set=data_set, timestamp__isnull=False).count() == len(ids) + 1
