"""Stagecraft behind a real PgBouncer in transaction pooling mode (DATABASE_POOLED=true): migrations
(the records table partitioned, its rows moved in batches), the write and read APIs, the
configuration API, the admin and the scheduler. The PgBouncer of the fixture hands consecutive
transactions to different server connections, so anything that leaned on session state across
transactions would fail here (stagecraft/testing/postgres_cluster.py)."""

import csv
import io
import re

import pytest
from django.db.migrations.loader import MigrationLoader

from stagecraft.testing.app_server import app_environment, manage
from stagecraft.testing.postgres_cluster import connect

pytestmark = pytest.mark.real_engines

TIMESTAMP = "2014-01-06T00:00:00+00:00"
# More than one upsert batch (1,000) and more than one fetch of the read engine (2,000).
MANY = 2500
COUNT_THROUGH_ITERATOR = (
    "from stagecraft.apps.records.services import Record; print(sum(1 for _ in Record.objects.iterator()))"
)


def test_the_fixture_hands_each_transaction_to_the_other_server_connection(pgbouncer, pooled):
    with connect(pgbouncer.url(pooled.database), autocommit=True) as connection:
        backends = [connection.execute("SELECT pg_backend_pid()").fetchall()[0][0] for _ in range(4)]
        assert backends[0] != backends[1]
        assert backends[0::2] == [backends[0]] * 2
        # A cursor kept past its transaction is on the other server connection by the next one.
        connection.execute("DECLARE kept CURSOR WITH HOLD FOR SELECT 1")
        with pytest.raises(Exception, match='cursor "kept" does not exist'):
            connection.execute("FETCH 1 FROM kept")


def test_the_release_ran_its_migrations_through_pgbouncer(pooled):
    # The fixture migrated the empty database through PgBouncer; nothing is left to apply.
    manage(pooled.site.environment, "migrate", "--check")
    assert "[ ]" not in manage(pooled.site.environment, "showmigrations")


def test_records_are_written_and_read_through_pgbouncer(pooled):
    data_set = pooled.new_data_set(published=True)
    records = [
        {"_id": f"r{number}", "_timestamp": TIMESTAMP, "channel": f"c{number % 5}", "count": number}
        for number in range(MANY)
    ]
    written = pooled.write(data_set, records)
    assert written.status == 200, written.text

    assert len(pooled.read(data_set).json()["data"]) == MANY
    grouped = pooled.read(data_set, "?group_by=channel&collect=count:sum").json()["data"]
    assert sum(row["count:sum"] for row in grouped) == sum(range(MANY))
    assert [row["_count"] for row in grouped] == [MANY // 5] * 5
    exported = pooled.read(data_set, "?group_by=channel&collect=count:sum&format=csv")
    assert exported.status == 200, exported.text
    assert len(list(csv.DictReader(io.StringIO(exported.text)))) == 5


def test_the_configuration_api_and_the_admin_work_through_pgbouncer(pooled):
    data_set = pooled.new_data_set(max_age_expected=60)
    listed = pooled.app.get(f"/data-sets?data-group={data_set['data_group']}", token=pooled.site.api_token)
    assert [d["name"] for d in listed.json()] == [data_set["name"]]
    changelist = pooled.app.get(f"/admin/datasets/dataset/?q={data_set['name']}")
    assert changelist.status == 200
    assert data_set["name"] in changelist.text
    assert pooled.app.get("/metrics/data-set-health/").status == 200


def test_the_scheduler_runs_through_pgbouncer(pooled):
    manage(pooled.site.environment, "run_periodic_schedule")


def test_without_database_pooled_a_streamed_read_breaks_behind_pgbouncer(pooled, pgbouncer):
    pooled.write(pooled.new_data_set(), [{"_timestamp": TIMESTAMP, "channel": "web", "count": 1}])
    # DATABASE_POOLED=true turns off the server-side cursors that QuerySet.iterator() would use.
    assert int(manage(pooled.site.environment, "shell", "--no-imports", "-c", COUNT_THROUGH_ITERATOR)) >= 1
    unpooled = app_environment(DATABASE_URL=pgbouncer.url(pooled.database))
    with pytest.raises(AssertionError, match="does not exist"):
        manage(unpooled, "shell", "--no-imports", "-c", COUNT_THROUGH_ITERATOR)


def _partitions_planned(pgbouncer, database: str, statement: str) -> set[str]:
    with connect(pgbouncer.url(database), autocommit=True) as connection:
        plan = [line for (line,) in connection.execute(f"EXPLAIN {statement}").fetchall()]
    return {name for line in plan for name in re.findall(r"\brecords_record_p\d+\b", line)}


def _records_migration_parent() -> str:
    """The migration before records.0009 (the one that partitions the table)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    parents = graph.node_map[("records", "0009_partition_records")].parents
    (name,) = [parent.key[1] for parent in parents if parent.key[0] == "records"]
    return name


def test_the_records_table_was_partitioned_through_pgbouncer_and_a_read_plans_one_partition(
    pooled, pgbouncer
):
    data_set = pooled.new_data_set()
    assert pooled.write(data_set, [{"_timestamp": TIMESTAMP, "channel": "web", "count": 1}]).status == 200
    with connect(pgbouncer.url(pooled.database), autocommit=True) as connection:
        ((kind, partitions),) = connection.execute(
            "SELECT relkind, (SELECT count(*) FROM pg_inherits WHERE inhparent = oid) "
            "FROM pg_class WHERE oid = 'records_record'::regclass"
        ).fetchall()
        ((data_set_id,),) = connection.execute(
            "SELECT id FROM datasets_dataset WHERE name = %s", [data_set["name"]]
        ).fetchall()
    assert (kind, partitions) == ("p", 16)
    read = f"SELECT data FROM records_record WHERE data_set_id = {data_set_id} ORDER BY id LIMIT 1000"
    assert len(_partitions_planned(pgbouncer, pooled.database, read)) == 1


def test_the_partitioning_migration_moves_records_through_pgbouncer(pooled, pgbouncer):
    data_set = pooled.new_data_set()
    records = [
        {"_id": f"m{number}", "_timestamp": TIMESTAMP, "channel": "web", "count": number}
        for number in range(MANY)
    ]
    assert pooled.write(data_set, records).status == 200
    environment = pooled.site.environment
    try:
        manage(environment, "migrate", "records", _records_migration_parent())
        with connect(pgbouncer.url(pooled.database), autocommit=True) as connection:
            ((kind,),) = connection.execute(
                "SELECT relkind FROM pg_class WHERE oid = 'records_record'::regclass"
            ).fetchall()
        assert kind == "r"
    finally:
        migrated = manage(environment, "migrate")
    assert re.search(r"records_record: copying [\d,]+ rows into records_record_partitioned", migrated)
    assert "records_record: now partitioned by data_set_id" in migrated
    assert len(pooled.read(data_set).json()["data"]) == MANY
