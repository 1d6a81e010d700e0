"""With DATABASE_REPLICA_URL set, the read API, the configuration API's reads and the metrics reports
are served by the replica; writes, the admin and /_status/data-sets by the primary. Proved against a
real streaming replica whose replay is paused: what is written meanwhile is on the primary only."""

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.real_engines

OLD = "2014-01-06T00:00:00+00:00"


def _ids(answer) -> set[str]:
    assert answer.status == 200, answer.text
    return {record["_id"] for record in answer.json()["data"]}


def _record(record_id: str, timestamp: str, channel: str, count: int) -> dict:
    return {"_id": record_id, "_timestamp": timestamp, "channel": channel, "count": count}


def _admin_page(postgres_cluster, database: str, name: str) -> str:
    query = "SELECT id FROM datasets_dataset WHERE name = %s"
    rows = postgres_cluster.execute(query, [name], database=database)
    return f"/admin/datasets/dataset/{rows[0][0]}/change/"


def _records_on_the_replica(postgres_cluster, database: str, name: str) -> int:
    rows = postgres_cluster.execute(
        "SELECT count(*) FROM records_record JOIN datasets_dataset d ON d.id = data_set_id WHERE d.name = %s",
        [name],
        database=database,
        on="replica",
    )
    return rows[0][0]


def test_while_the_replica_lags_a_read_misses_the_write_and_the_admin_and_status_see_it(
    replicated, postgres_cluster
):
    data_set = replicated.new_data_set(max_age_expected=3600)
    assert replicated.write(data_set, [_record("old", OLD, "paper", 1)]).status == 200
    postgres_cluster.wait_for_replay()
    admin_page = _admin_page(postgres_cluster, replicated.database, data_set["name"])

    with postgres_cluster.replaying_paused():
        now = datetime.now(UTC).isoformat()
        written = replicated.write(data_set, [_record("while-paused", now, "web", 2)])
        # The write API checked the token and stored the record on the primary.
        assert written.status == 200, written.text
        assert _records_on_the_replica(postgres_cluster, replicated.database, data_set["name"]) == 1

        # The read API answers from the replica, which has not applied the write yet.
        assert _ids(replicated.read(data_set)) == {"old"}
        assert replicated.read(data_set, "?group_by=channel&collect=count:sum").json()["data"] == [
            {"channel": "paper", "count:sum": 1, "_count": 1}
        ]
        # The admin reads the primary.
        page = replicated.app.get(admin_page)
        assert page.status == 200
        assert "while-paused" in page.text
        # So does /_status/data-sets: on the replica the newest record is from 2014 (stale).
        status = replicated.app.get("/_status/data-sets").json()
        assert data_set["name"] not in {failing["name"] for failing in status["data_sets"] or []}

    assert _ids(replicated.read(data_set)) == {"old", "while-paused"}


def test_data_sets_created_while_the_replica_lags_take_writes_at_once_and_are_listed_later(
    replicated, postgres_cluster
):
    group = replicated.new_data_set()["data_group"]
    postgres_cluster.wait_for_replay()
    api = replicated.site.api_token
    never_written = replicated.app.get("/metrics/stocks/never-written.json").json()["count"]

    with postgres_cluster.replaying_paused():
        written_to = replicated.create_data_set(group, data_type="realtime")
        quiet = replicated.create_data_set(group, data_type="monitoring")
        # Configuration reads come from the replica: the new data sets are not there yet. (The API
        # client's last_used, which these reads may write, is read on the primary anyway: writing it
        # keeps the request on the replica.)
        assert replicated.app.get(f"/data-sets/{quiet['name']}", token=api).status == 404
        listed = replicated.app.get(f"/data-sets?data-group={group}", token=api).json()
        assert {d["data_type"] for d in listed} == {"transactions-by-channel"}
        # The metrics reports too: the data set never written is not counted yet.
        assert replicated.app.get("/metrics/stocks/never-written.json").json()["count"] == never_written
        # The write API's token check reads the primary: the writer can write at once.
        written = replicated.write(written_to, [{"_timestamp": OLD, "for_url": "/", "unique_visitors": 3}])
        assert written.status == 200, written.text
        # The admin lists both (it reads the primary).
        changelist = replicated.app.get(f"/admin/datasets/dataset/?q={group.replace('-', '_')}").text
        assert written_to["name"] in changelist
        assert quiet["name"] in changelist

    assert replicated.app.get(f"/data-sets/{quiet['name']}", token=api).json()["name"] == quiet["name"]
    assert replicated.app.get("/metrics/stocks/never-written.json").json()["count"] == never_written + 1
    assert len(replicated.read(written_to).json()["data"]) == 1
