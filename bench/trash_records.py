"""Benchmark: moving N records (default 1,000,000) to the trash and back, on PostgreSQL (issue 13).

    ./bench/run.sh trash_records [--records N] [--rounds 3]

It migrates the database, loads N records into a data set of its own with COPY, then, each round:

1. trash_records(): what emptying a data set, deleting it, or DELETE /data-sets/<name> run (one
   DELETE ... RETURNING feeding an INSERT, inside the database);
2. restore_batch(): what recovering or restoring runs (INSERT ... SELECT ... ON CONFLICT DO NOTHING,
   then a DELETE of the batch);
3. for reference, writing the same records once in the database with nothing else to do (CREATE
   TABLE ... AS SELECT: no index, no conflict check), and the destructive empty the trash replaced
   (one DELETE; then the records are loaded again with COPY, not timed).

Each round starts from compact tables (VACUUM FULL: this database is the benchmark's own), so rounds
compare alike; in a long-lived database the tables carry dead rows and each step costs more.

It checks that every record came back unchanged (a checksum over the documents) and prints the
seconds for each step. The Python process never holds the records: its peak memory is printed too.
"""

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stagecraft.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType  # noqa: E402
from stagecraft.apps.records.models import Record, TrashBatch  # noqa: E402
from stagecraft.apps.records.trash import restore_batch, trash_records  # noqa: E402

GROUP, TYPE = "bench-trash", "bench-trash-records"
BASE_EPOCH = 1388534400  # 2014-01-01T00:00:00Z


def setup() -> DataSet:
    call_command("migrate", verbosity=0)
    group, _ = DataGroup.objects.get_or_create(name=GROUP)
    data_type, _ = DataType.objects.get_or_create(name=TYPE)
    data_set = DataSet.objects.filter(data_group=group, data_type=data_type).first()
    if data_set is None:
        data_set = DataSet.objects.create(data_group=group, data_type=data_type, bearer_token="bench")
    TrashBatch.objects.filter(data_set_id=data_set.pk).delete()
    return data_set


def load(data_set: DataSet, records: int) -> None:
    """COPY N stored documents of a realistic size (about 400 bytes), replacing any there."""
    with transaction.atomic():
        Record.objects.filter(data_set=data_set).delete()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                "COPY records_record (data_set_id, record_id, timestamp, updated_at, data, size) FROM STDIN"
            ) as copy,
        ):
            for i in range(records):
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(BASE_EPOCH + i * 60))
                document = {
                    "_id": f"r{i}",
                    "_timestamp": stamp,
                    "channel": ("digital", "paper", "phone")[i % 3],
                    "count": i % 500,
                    "region": "north-west",
                    "_updated_at": "2014-06-01T00:00:00+00:00",
                    "_hour_start_at": stamp[:13] + ":00:00+00:00",
                    "_day_start_at": stamp[:10] + "T00:00:00+00:00",
                    "_month_start_at": stamp[:8] + "01T00:00:00+00:00",
                    "_year_start_at": stamp[:5] + "01-01T00:00:00+00:00",
                }
                copy.write_row(
                    [data_set.pk, f"r{i}", stamp, "2014-06-01T00:00:00+00:00", json.dumps(document), 0]
                )
    vacuum(full=True)


def vacuum(full: bool = False) -> None:
    with connection.cursor() as cursor:
        for table in ("records_record", "records_trashedrecord"):
            cursor.execute(f"VACUUM {'FULL ' if full else ''}ANALYZE {table}")


def checksum(data_set: DataSet) -> tuple[int, str]:
    """(count, md5 of every record's columns in _id order), computed by the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), md5(string_agg(record_id || timestamp::text || updated_at::text || data::text, "
            "',' ORDER BY record_id)) FROM records_record WHERE data_set_id = %s",
            [data_set.pk],
        )
        count, digest = cursor.fetchone() or (0, "")
    return count, digest


def timed_round(data_set: DataSet, records: int) -> dict[str, float]:
    before = checksum(data_set)
    started = time.perf_counter()
    batch = trash_records(data_set, TrashBatch.EMPTIED, by="bench")
    trashed = time.perf_counter() - started
    assert batch is not None
    assert batch.record_count == records, batch
    assert not Record.objects.filter(data_set=data_set).exists()
    vacuum()  # as autovacuum would between an emptying and a restore

    started = time.perf_counter()
    restored = restore_batch(batch, data_set)
    back = time.perf_counter() - started
    assert restored.restored == records, restored
    assert checksum(data_set) == before, "the records did not come back unchanged"
    vacuum()

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_written_once AS SELECT record_id, timestamp, updated_at, data, size "
            "FROM records_record WHERE data_set_id = %s",
            [data_set.pk],
        )
    written_once = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_written_once")

    started = time.perf_counter()
    Record.objects.filter(data_set=data_set).delete()  # the old, destructive empty
    destroyed = time.perf_counter() - started
    load(data_set, records)
    return {
        "to_trash_s": round(trashed, 2),
        "back_s": round(back, 2),
        "written_once_s": round(written_once, 2),
        "plain_delete_s": round(destroyed, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmark loads records with COPY.")

    data_set = setup()
    started = time.perf_counter()
    load(data_set, args.records)
    print(
        f"loaded {args.records:,} records with COPY in {time.perf_counter() - started:.1f}s", file=sys.stderr
    )
    rounds = [timed_round(data_set, args.records) for _ in range(args.rounds)]
    results = {
        "records": args.records,
        "rounds": rounds,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(results, indent=2))
    best = {key: min(r[key] for r in rounds) for key in rounds[0]}
    print(
        f"{args.records:,} records: to the trash {best['to_trash_s']}s, back {best['back_s']}s "
        f"(best of {args.rounds}); written once {best['written_once_s']}s, a plain DELETE "
        f"{best['plain_delete_s']}s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
