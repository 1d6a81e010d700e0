"""Concurrent writers upserting the same _id both succeed (PostgreSQL: INSERT ... ON CONFLICT), and
the kept record count counts each record once."""

import threading

import pytest
from django.db import connection, connections

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record, RecordCount
from stagecraft.apps.records.pipeline import prepare_records
from stagecraft.apps.records.storage import store_documents

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers with a database lock; the race needs PostgreSQL",
    ),
]


def test_two_writers_upserting_the_same_ids_both_succeed():
    data_set = DataSetFactory.create(auto_ids="_timestamp,channel")
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def writer(count: int) -> None:
        try:
            records = [
                {"_timestamp": f"2014-01-{day:02}T00:00:00Z", "channel": "web", "count": count}
                for day in range(1, 29)
            ]
            documents = prepare_records(data_set, records)
            barrier.wait(timeout=10)
            for _ in range(20):
                store_documents(data_set, documents)
        except Exception as error:  # reported to the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Record.objects.filter(data_set=data_set).count() == 28
    counts = set(Record.objects.filter(data_set=data_set).values_list("data__count", flat=True))
    assert counts <= {1, 2}
    assert RecordCount.objects.get(data_set=data_set).count == 28
