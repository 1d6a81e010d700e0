"""The migration that takes the derived fields out of stored documents (0007_lean_documents)."""

import importlib

import pytest
from django.db import connection

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.documents import DERIVED_FIELDS
from stagecraft.apps.records.models import Record, TrashBatch, TrashedRecord
from stagecraft.apps.records.pipeline import prepare_records
from stagecraft.apps.records.storage import store_documents
from stagecraft.apps.records.trash import trash_records

lean = importlib.import_module("stagecraft.apps.records.migrations.0007_lean_documents")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fat_records():
    """Records stored as before: each document carrying its derived fields."""
    data_set = DataSetFactory.create()
    raw = [
        {"_timestamp": f"2014-01-{day:02}T10:00:00Z", "_id": f"r{day:02}", "num": day} for day in range(1, 29)
    ]
    store_documents(data_set, prepare_records(data_set, raw))
    untimed = Record.objects.get(record_id="r28")
    untimed.timestamp = None
    untimed.data = {"_id": "r28", "num": 28}
    untimed.save()
    for record in Record.objects.all():
        record.data = record.document  # the derived fields written into the document
        record.save(update_fields=["data"])
    return data_set


def readers_view():
    return {record.record_id: record.document for record in Record.objects.all()}


def test_it_removes_the_derived_fields_and_readers_see_the_same(fat_records):
    before = readers_view()
    assert all("_updated_at" in record.data for record in Record.objects.all())

    changed = lean.slim_documents(connection, "records_record", batch_size=5, progress=False)

    assert changed == 28
    assert all(set(DERIVED_FIELDS).isdisjoint(record.data) for record in Record.objects.all())
    assert readers_view() == before


def test_run_again_after_an_interruption_it_carries_on(fat_records):
    before = readers_view()
    # An interrupted run: the first ten ids done.
    first_ten = list(Record.objects.order_by("id").values_list("id", flat=True)[:10])
    for record in Record.objects.filter(id__in=first_ten):
        record.data = {key: value for key, value in record.data.items() if key not in DERIVED_FIELDS}
        record.save(update_fields=["data"])

    assert lean.slim_documents(connection, "records_record", batch_size=7, progress=False) == 18
    assert lean.slim_documents(connection, "records_record", batch_size=7, progress=False) == 0
    assert readers_view() == before


def test_the_trash_is_slimmed_too(fat_records):
    trash_records(fat_records, cause=TrashBatch.EMPTIED)
    assert all("_updated_at" in record.data for record in TrashedRecord.objects.all())

    assert lean.slim_documents(connection, "records_trashedrecord", progress=False) == 28
    assert all(set(DERIVED_FIELDS).isdisjoint(record.data) for record in TrashedRecord.objects.all())
