"""A migration outside any transaction of its caller, on PostgreSQL, streams a new data set's records:
the old pages read on a connection of their own, stored with COPY (upserts once an `_id` repeats).
It must give exactly what the page-at-a-time migration gives (the one run inside a caller's
transaction, which every other test of this package exercises)."""

import pytest
from django.db import connection, transaction

from stagecraft.apps.datasets.models import DataSet, DataType
from stagecraft.apps.datasets.schema import shipped_data_type_schemas
from stagecraft.apps.records import storage
from stagecraft.apps.records.data_set_migration import MigrationFailed, migrate_data_set, parse_mapping
from stagecraft.apps.records.data_set_migration import migrate as migrate_module
from stagecraft.apps.records.models import Record, RecordCount

from .helpers import CARERS_MAPPING, legacy_data_set, store, stored_document

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the streamed migration is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def shipped_data_type():
    """transactions-by-channel, which a data migration ships, and a transactional test's flush removes."""
    schema = shipped_data_type_schemas()["transactions-by-channel"]
    DataType.objects.get_or_create(name="transactions-by-channel", defaults={"schema": schema})


NEW_NAME = "carers_allowance_transactions_by_channel"
KEYS = ["ca_clerical_received", "ca_e_claims_received"]


def legacy(count: int, **extra_documents: dict) -> DataSet:
    """`count` legacy records, two a week; `extra_documents` appended under their _id."""
    data_set = legacy_data_set()
    documents = [
        stored_document(f"2014-{1 + week // 28:02}-{1 + week % 28:02}T00:00:00+00:00", KEYS[n % 2], float(n))
        for n, week in ((n, n // 2) for n in range(count))
    ]
    store(data_set, documents + [{"_id": key, **document} for key, document in extra_documents.items()])
    return data_set


def migrate(streamed: bool, mapping_file: dict = CARERS_MAPPING, **options):
    """The migration, streamed (outside any transaction) or page at a time (inside one); returns the
    report (or the MigrationFailed) and the new data set's documents and count."""
    progress: list[int] = []
    mapping = parse_mapping(mapping_file)
    try:
        if streamed:
            report = migrate_data_set(mapping, progress=progress.append, **options)
        else:
            with transaction.atomic():
                report = migrate_data_set(mapping, progress=progress.append, **options)
    except MigrationFailed as failure:
        return failure.reports[0], [], None, sum(progress)
    documents = [
        {key: value for key, value in record.document.items() if key != "_updated_at"}
        for record in Record.objects.filter(data_set__name=NEW_NAME).order_by("record_id")
    ]
    count = RecordCount.objects.get(data_set__name=NEW_NAME).count
    return report, documents, count, sum(progress)


def forget_new_data_set() -> None:
    new = DataSet.objects.filter(name=NEW_NAME)
    Record.objects.filter(data_set__in=new).delete()
    new.delete()


def both_ways(mapping_file: dict = CARERS_MAPPING, **options):
    streamed = migrate(True, mapping_file, **options)
    forget_new_data_set()
    page_at_a_time = migrate(False, mapping_file, **options)
    return streamed, page_at_a_time


def summary(report) -> tuple:
    return (
        report.records_read,
        report.records_valid,
        report.records_failed,
        report.records_written,
        report.sample,
        [(e.record_id, e.field, e.message) for e in report.errors],
    )


@pytest.fixture
def copies(monkeypatch):
    """How many rows went in with COPY."""
    copied: list[int] = []
    real = storage.copy_chunks

    def spy(*args, **kwargs):
        copied.append(real(*args, **kwargs))
        return copied[-1]

    monkeypatch.setattr(storage, "copy_chunks", spy)
    return copied


def test_a_streamed_migration_stores_what_a_page_at_a_time_one_does(copies):
    legacy(47)
    (report, documents, count, progress), expected = both_ways(batch_size=2)  # 24 pages: 3 groups

    assert (summary(report), documents, count, progress) == (
        summary(expected[0]),
        expected[1],
        expected[2],
        expected[3],
    )
    assert count == report.records_written == 47 == progress
    assert sum(copies) == 47


def test_an_id_that_comes_twice_is_stored_once_the_later_winning(copies, monkeypatch):
    # "paper" maps to the channel "ca_clerical_received" maps to: the same _id, pages apart.
    monkeypatch.setattr(migrate_module, "STREAM_PAGES", 3)
    legacy(
        30,
        again={"_timestamp": "2014-01-03T00:00:00+00:00", "key": "paper", "value": 99.0},
    )
    (report, documents, count, _), expected = both_ways(batch_size=2)

    assert (summary(report), documents, count) == (summary(expected[0]), expected[1], expected[2])
    assert count == 30
    on_the_day = {d["channel"]: d["count"] for d in documents if d["_timestamp"].startswith("2014-01-03")}
    assert on_the_day == {"paper": 99, "digital": 5}
    # The first five groups (6 records each) went in with COPY; the last, whose record repeats an
    # _id of the first, was rolled back and upserted.
    assert copies == [6, 6, 6, 6, 6]


def test_an_invalid_record_in_a_later_group_fails_the_whole_migration(copies):
    old = legacy(45, bad={"_timestamp": "2014-01-02T00:00:00+00:00", "key": "x", "value": "many"})
    (report, documents, count, progress), expected = both_ways(batch_size=2)

    assert summary(report) == summary(expected[0])
    assert (report.records_read, report.records_failed) == (46, 1)
    assert (documents, count) == ([], None)
    assert progress == expected[3] == 46
    assert not DataSet.objects.filter(name=NEW_NAME).exists()
    assert Record.objects.exclude(data_set=old).count() == 0


def test_text_of_every_kind_goes_through_copy_unchanged(copies):
    # No auto_ids: the old _ids are kept, backslashes and all.
    mapping = {**CARERS_MAPPING, "new_data_set": {**CARERS_MAPPING["new_data_set"], "auto_ids": ""}}
    texts = ["tab\there", "new\nline", "back\\slash \\N", 'quote " \\"', "é€😀", "\u2028", ""]
    legacy(
        0,
        **{
            f"id\\{n}": {"_timestamp": "2014-01-02T00:00:00+00:00", "key": text, "value": 1.0, "note": text}
            for n, text in enumerate(texts)
        },
    )
    (report, documents, count, _), expected = both_ways(mapping)

    assert (summary(report), documents, count) == (summary(expected[0]), expected[1], expected[2])
    assert sorted(d["note"] for d in documents) == sorted(texts)
    assert sorted(d["_id"] for d in documents) == sorted(f"id\\{n}" for n in range(len(texts)))
    assert sum(copies) == len(texts)
