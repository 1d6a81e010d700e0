"""On PostgreSQL the records table is hash-partitioned by data set (migration 0009), and every query
about one data set touches its partition alone: the plan of each statement names no other partition,
and the table statistics of the transaction show that no other partition was read or written."""

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records import storage, trash
from stagecraft.apps.records.admin import records_context
from stagecraft.apps.records.models import Record, RecordCount, TrashBatch
from stagecraft.apps.records.query import parse_query, run_query
from stagecraft.apps.records.query.engine import raw_documents
from stagecraft.apps.records.summary import records_summary

from .conftest import NOW

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the records table is partitioned on PostgreSQL only"
    ),
]

PARTITION = re.compile(r"\brecords_record_p\d+\b")
# A statement on the records table itself (not records_recordcount and the like).
RECORDS_TABLE = re.compile(r'\b"?records_record"?(?!_|count)\b')


def document(number: int, **fields: object) -> dict:
    day = number % 28 + 1
    return {
        "_id": f"r{number}",
        "_timestamp": f"2014-01-{day:02}T00:00:00+00:00",
        "channel": ["web", "phone"][number % 2],
        "count": number,
        **fields,
    }


def partition_of(data_set) -> str:
    """The partition that holds (or would hold) the data set's records."""
    bound = "pg_get_expr(partition.relpartbound, partition.oid)"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partition.relname FROM pg_inherits "
            "JOIN pg_class AS partition ON partition.oid = pg_inherits.inhrelid "
            "WHERE inhparent = 'records_record'::regclass AND satisfies_hash_partition(inhparent, "
            rf"substring({bound} from 'modulus (\d+)')::int, substring({bound} from 'remainder (\d+)')::int, "
            "%s::bigint)",
            [data_set.pk],
        )
        (name,) = cursor.fetchone()
    return name


def planned(sql: str) -> set[str]:
    """The partitions named in the statement's plan (EXPLAIN only plans: nothing is run)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return {name for (line,) in cursor.fetchall() for name in PARTITION.findall(line)}


def _activity() -> dict[str, tuple]:
    """Per partition, what this transaction did to it so far (scans, rows inserted, updated, deleted)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_del "
            "FROM pg_stat_xact_user_tables WHERE relname ~ '^records_record_p[0-9]+$'"
        )
        return {name: tuple(counts) for name, *counts in cursor.fetchall()}


def touched(operation: Callable[[], object]) -> tuple[set[str], list[str]]:
    """The partitions `operation` read or wrote, and its statements on the records table."""
    before = _activity()
    with CaptureQueriesContext(connection) as captured:
        operation()
    after = _activity()
    statements = [query["sql"] for query in captured.captured_queries if RECORDS_TABLE.search(query["sql"])]
    return {name for name, counts in after.items() if counts != before.get(name)}, statements


@pytest.fixture
def data_sets() -> list:
    """Three data sets with records, the first in a partition of its own among them."""
    made = [DataSetFactory.create(capped_size=10**6) for _ in range(3)]
    for data_set in made:
        storage.store_documents(data_set, [document(number) for number in range(30)])
    while partition_of(made[0]) in {partition_of(other) for other in made[1:]}:
        made[0] = DataSetFactory.create(capped_size=10**6)
        storage.store_documents(made[0], [document(number) for number in range(30)])
    return made


def assert_one_partition(data_set, operation: Callable[[], object]) -> None:
    partition = partition_of(data_set)
    partitions, statements = touched(operation)
    assert partitions == {partition}
    assert statements
    for sql in statements:
        names = planned(sql)
        # An INSERT's rows are routed to their partition as it runs: its plan names none, unless it
        # reads the table too. A statement that reads no table (the id sequence's last value) none.
        routed = sql.lstrip().upper().startswith(("INSERT", "WITH")) or "FROM records_record" not in sql
        assert names == {partition} or (routed and not names), sql


def test_the_table_is_partitioned_by_data_set():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_partkeydef('records_record'::regclass), "
            "(SELECT count(*) FROM pg_inherits WHERE inhparent = 'records_record'::regclass), "
            "pg_get_constraintdef((SELECT oid FROM pg_constraint WHERE conname = 'records_record_pkey'))"
        )
        assert cursor.fetchone() == (
            "HASH (data_set_id)",
            settings.RECORDS_PARTITIONS,
            "PRIMARY KEY (data_set_id, id)",
        )


def test_a_raw_read_touches_one_partition(data_sets):
    # Pages of 7: the later pages carry on after the last row of the one before (keyset pagination).
    query = parse_query(
        {"sort_by": ["count:descending"], "filter_by": ["channel:web"]}, raw_queries_allowed=True
    )
    assert_one_partition(data_sets[0], lambda: list(raw_documents(data_sets[0], query, page_size=7)))
    unsorted = parse_query({}, raw_queries_allowed=True)
    assert_one_partition(data_sets[0], lambda: list(raw_documents(data_sets[0], unsorted, page_size=7)))


def test_an_aggregate_read_touches_one_partition(data_sets):
    query = parse_query(
        {
            "period": ["week"],
            "group_by": ["channel"],
            "collect": ["count:sum", "count:set"],
            "duration": ["4"],
        },
        raw_queries_allowed=True,
    )
    assert_one_partition(data_sets[0], lambda: run_query(data_sets[0], query, now=NOW))


def test_a_write_touches_one_partition(data_sets):
    data_set = data_sets[0]
    # New records and replaced ones, then a capped size that removes the oldest (its trim deletes
    # by id and data set).
    assert_one_partition(
        data_set, lambda: storage.store_documents(data_set, [document(n) for n in range(20, 40)])
    )
    assert RecordCount.objects.get(data_set=data_set).count == 40
    data_set.capped_size = 2000
    assert_one_partition(data_set, lambda: storage.enforce_capped_size(data_set))
    assert 0 < Record.objects.filter(data_set=data_set).count() < 40


def test_a_patch_and_a_record_delete_touch_one_partition(data_sets):
    data_set = data_sets[0]
    assert_one_partition(data_set, lambda: storage.patch_record(data_set, "r1", {"count": -1}))
    assert_one_partition(data_set, lambda: storage.delete_record(data_set, "r2"))
    assert sorted(Record.objects.filter(data_set=data_set).values_list("record_id", flat=True))[:3] == [
        "r0",
        "r1",
        "r10",
    ]


def test_emptying_a_data_set_is_one_statement_on_one_partition(data_sets):
    data_set = data_sets[0]
    partition = partition_of(data_set)
    partitions, statements = touched(lambda: storage.empty_data_set(data_set))
    assert partitions == {partition}
    assert [sql.split()[0] for sql in statements] == ["DELETE"]
    assert planned(statements[0]) == {partition}
    assert not Record.objects.filter(data_set=data_set).exists()
    assert Record.objects.count() == 60


def test_the_trash_moves_a_data_set_in_one_statement_on_one_partition(data_sets):
    data_set = data_sets[0]
    partition = partition_of(data_set)
    partitions, statements = touched(lambda: trash.trash_records(data_set, TrashBatch.EMPTIED))
    assert partitions == {partition}
    assert len(statements) == 1
    assert planned(statements[0]) == {partition}
    batch = TrashBatch.objects.get(data_set_id=data_set.pk)
    assert_one_partition(data_set, lambda: trash.restore_batch(batch, data_set))
    assert Record.objects.filter(data_set=data_set).count() == 30


def test_the_admin_page_and_the_health_panel_read_one_partition(data_sets):
    assert_one_partition(data_sets[0], lambda: records_context(data_sets[0]))
    assert_one_partition(data_sets[0], lambda: records_summary(data_sets[0], NOW))


def test_a_record_id_stays_unique_within_its_data_set_only(data_sets):
    first, second = data_sets[0], data_sets[1]
    storage.store_documents(second, [document(0, count=100)])
    # (The fixture may have made more data sets on the way, looking for partitions apart.)
    assert Record.objects.filter(record_id="r0", data_set__in=data_sets).count() == 3
    assert Record.objects.get(data_set=first, record_id="r0").data["count"] == 0
    # Ids still come from one sequence, across partitions.
    ids = list(Record.objects.values_list("id", flat=True))
    assert len(ids) == len(set(ids))
