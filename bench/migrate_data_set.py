"""Benchmark: migrating a data set of N records (default 1,000,000) to a new schema, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_bench .venv/bin/python bench/migrate_data_set.py
    ... --records 100000 --batch-size 2000 --rounds 3 --keep

It migrates the database, creates a legacy data set (bench-weekly-claims) and loads N records into
it with COPY, then, in the same run, in turns (--rounds times each, each side starting after a
checkpoint, the targets emptied between rounds):

1. the baseline: the same transformation (key and value mapping, count as an integer, `_id` from
   auto_ids, upsert by `_id`) done by one INSERT ... SELECT in SQL;
2. the migration through the library (stagecraft.apps.records.data_set_migration: read in batches,
   transform, validate with the record pipeline, store), into a new data set.

It reports records per second for both and their ratio (the round with the median ratio), and the
peak RSS of this process (resource.getrusage). Targets: peak RSS under 300 MB whatever N (issue 6);
the library at least 60% of the SQL baseline's rate (issue 18). It also checks that both produced
the same documents.
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

import reversion  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType  # noqa: E402
from stagecraft.apps.records.data_set_migration import (  # noqa: E402
    MigrationReport,
    migrate_data_set,
    parse_mapping,
    transform_record,
)
from stagecraft.apps.records.models import Record  # noqa: E402
from stagecraft.apps.records.pipeline import prepare_records  # noqa: E402
from stagecraft.apps.records.storage import store_documents  # noqa: E402

GROUP = "bench-group"
OLD_TYPE = "bench-weekly-claims"
NEW_TYPE = "transactions-by-channel"  # shipped: channel (string) and count (integer) required
SQL_GROUP = "bench-group-sql"
VALUES = {"ca_clerical_received": "paper", "ca_e_claims_received": "digital"}
MAPPING = {
    "old_data_set": {"data_group": GROUP, "data_type": OLD_TYPE},
    "new_data_set": {"data_group": GROUP, "data_type": NEW_TYPE, "auto_ids": "_timestamp,channel"},
    "data_mapping": {"key_mapping": {"key": "channel", "value": "count"}, "value_mapping": VALUES},
}
BASE_EPOCH = 1388534400  # 2014-01-01T00:00:00Z


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def setup(records: int) -> DataSet:
    call_command("migrate", verbosity=0)
    teardown()
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment("Benchmark data sets.")
        group = DataGroup.objects.create(name=GROUP)
        sql_group = DataGroup.objects.create(name=SQL_GROUP)
        old_type = DataType.objects.create(name=OLD_TYPE, description="Legacy, no schema.")
        new_type = DataType.objects.get(name=NEW_TYPE)
        old = DataSet.objects.create(data_group=group, data_type=old_type, bearer_token="bench", auto_ids="")
        DataSet.objects.create(
            data_group=sql_group, data_type=new_type, bearer_token="bench", auto_ids="_timestamp,channel"
        )
    copy_records(old, records)
    return old


def copy_records(data_set: DataSet, records: int) -> None:
    """COPY N legacy documents (two channels per minute), streamed: never held in memory."""
    has_size = any(f.name == "size" for f in Record._meta.get_fields())
    columns = "data_set_id, record_id, timestamp, updated_at, data" + (", size" if has_size else "")
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY records_record ({columns}) FROM STDIN") as copy,
    ):
        for i in range(records):
            epoch = BASE_EPOCH + (i // 2) * 60
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch))
            key = "ca_clerical_received" if i % 2 == 0 else "ca_e_claims_received"
            document = {
                "_id": f"legacy-{i}",
                "_timestamp": stamp,
                "key": key,
                "value": float(i % 500),
                "_day_start_at": stamp[:10] + "T00:00:00+00:00",
                "_updated_at": "2014-06-01T00:00:00+00:00",
            }
            row = [data_set.pk, f"legacy-{i}", stamp, "2014-06-01T00:00:00+00:00", json.dumps(document)]
            copy.write_row(row + ([0] if has_size else []))
    vacuum()
    print(
        f"loaded {records:,} legacy records with COPY in {time.perf_counter() - started:.1f}s",
        file=sys.stderr,
    )


# The same transformation as the library's, in one statement. ids are base64("<_timestamp>.<channel>")
# as the pipeline builds them; documents stored lean, as the write path stores them (documents.py).
BASELINE_SQL = """
WITH old AS (
    SELECT data->>'_timestamp' AS stamp,
           (data->>'_timestamp')::timestamptz AT TIME ZONE 'UTC' AS ts,
           COALESCE(%(values)s::jsonb->>(data->>'key'), data->>'key') AS channel,
           (data->>'value')::numeric::bigint AS count
    FROM records_record WHERE data_set_id = %(old)s
)
INSERT INTO records_record (data_set_id, record_id, timestamp, updated_at, data{size_column})
SELECT %(new)s, id, ts AT TIME ZONE 'UTC', now(),
       jsonb_build_object(
           '_id', id, '_timestamp', stamp, 'channel', channel, 'count', count
       ){size_value}
FROM (SELECT *, encode(convert_to(stamp || '.' || channel, 'UTF8'), 'base64') AS id FROM old) AS t
ON CONFLICT (data_set_id, record_id) DO UPDATE
    SET timestamp = EXCLUDED.timestamp, updated_at = EXCLUDED.updated_at, data = EXCLUDED.data
"""


def run_baseline(old: DataSet) -> float:
    target = DataSet.objects.get(data_group__name=SQL_GROUP, data_type__name=NEW_TYPE)
    has_size = any(f.name == "size" for f in Record._meta.get_fields())
    sql = BASELINE_SQL.format(
        size_column=", size" if has_size else "",
        size_value=", 0" if has_size else "",
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {"values": json.dumps(VALUES), "old": old.pk, "new": target.pk})
    return time.perf_counter() - started


def run_migration(batch_size: int) -> tuple[float, MigrationReport]:
    started = time.perf_counter()
    report = migrate_data_set(parse_mapping(MAPPING), batch_size=batch_size)
    return time.perf_counter() - started, report


def check_same_documents(samples: int = 1000) -> int:
    """Compare the two targets' documents (minus _updated_at) on a sample of ids; returns mismatches."""
    library = DataSet.objects.get(data_group__name=GROUP, data_type__name=NEW_TYPE)
    baseline = DataSet.objects.get(data_group__name=SQL_GROUP, data_type__name=NEW_TYPE)
    ids = list(
        Record.objects.filter(data_set=library).order_by("?").values_list("record_id", flat=True)[:samples]
    )
    ours = dict(Record.objects.filter(data_set=library, record_id__in=ids).values_list("record_id", "data"))
    theirs = dict(
        Record.objects.filter(data_set=baseline, record_id__in=ids).values_list("record_id", "data")
    )

    def strip(document: dict | None) -> dict | None:
        return None if document is None else {k: v for k, v in document.items() if k != "_updated_at"}

    return sum(strip(ours[i]) != strip(theirs.get(i)) for i in ids)


def reset_targets() -> None:
    """Between rounds: empty the baseline's target, and delete the library's (each migration creates it)."""
    with transaction.atomic():
        targets = DataSet.objects.filter(data_group__name__in=[GROUP, SQL_GROUP], data_type__name=NEW_TYPE)
        Record.objects.filter(data_set__in=targets).delete()
        DataSet.objects.filter(data_group__name=GROUP, data_type__name=NEW_TYPE).delete()
    vacuum()


def settle() -> None:
    """Start each timed side from the same state: the rows the other side wrote analysed, and their
    pages written out (a checkpoint the other side's writes brought on would otherwise fall in
    this one's time)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE records_record")
        cursor.execute("CHECKPOINT")


def vacuum() -> None:
    """Rows deleted by an earlier run would otherwise slow the baseline's scan."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE records_record")


def stage_breakdown(old: DataSet, sample: int = 20000) -> dict[str, float]:
    """Microseconds per record spent reading, transforming, validating and storing (rolled back)."""
    mapping = parse_mapping(MAPPING)
    target = DataSet.objects.get(data_group__name=SQL_GROUP, data_type__name=NEW_TYPE)
    spent = {"read": 0.0, "transform": 0.0, "validate (prepare_records)": 0.0, "store (store_documents)": 0.0}
    done, last = 0, 0
    with transaction.atomic():
        while done < sample:
            clock = time.perf_counter()
            rows = list(
                Record.objects.filter(data_set=old, pk__gt=last)
                .order_by("pk")
                .values_list("pk", "data")[:2000]
            )
            if not rows:
                break
            last, done = rows[-1][0], done + len(rows)
            spent["read"] += time.perf_counter() - clock
            clock = time.perf_counter()
            records = [transform_record(data, mapping.key_mapping, mapping.value_mapping) for _, data in rows]
            spent["transform"] += time.perf_counter() - clock
            clock = time.perf_counter()
            documents = prepare_records(target, records)
            spent["validate (prepare_records)"] += time.perf_counter() - clock
            clock = time.perf_counter()
            store_documents(target, documents)
            spent["store (store_documents)"] += time.perf_counter() - clock
        transaction.set_rollback(True)
    return {stage: round(seconds / done * 1e6) for stage, seconds in spent.items()}


def teardown() -> None:
    with transaction.atomic():
        data_sets = DataSet.objects.filter(data_group__name__in=[GROUP, SQL_GROUP])
        Record.objects.filter(data_set__in=data_sets).delete()
        data_sets.delete()
        DataType.objects.filter(name=OLD_TYPE).delete()
        DataGroup.objects.filter(name__in=[GROUP, SQL_GROUP]).delete()
    vacuum()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="Baseline and library in turns, N times each.")
    parser.add_argument("--keep", action="store_true", help="Leave the benchmark data sets in the database.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (127.0.0.1 only): the benchmark uses COPY.")

    old = setup(args.records)
    rss_before = peak_rss_mb()
    rounds: list[tuple[float, float]] = []
    for number in range(1, args.rounds + 1):
        if number > 1:
            reset_targets()
        settle()
        baseline = run_baseline(old)
        settle()
        elapsed, report = run_migration(args.batch_size)
        rounds.append((baseline, elapsed))
        print(f"round {number}: baseline {baseline:.2f} s, library {elapsed:.2f} s", file=sys.stderr)
    # The round with the median ratio stands for the run.
    baseline, elapsed = sorted(rounds, key=lambda times: times[0] / times[1])[len(rounds) // 2]
    peak = peak_rss_mb()
    mismatches = check_same_documents()
    breakdown = stage_breakdown(old)
    n = args.records
    results = {
        "records": n,
        "batch_size": args.batch_size,
        "sql_seconds": round(baseline, 2),
        "sql_records_per_s": round(n / baseline),
        "library_seconds": round(elapsed, 2),
        "library_records_per_s": round(n / elapsed),
        "ratio": round(baseline / elapsed, 3),
        "ratio_by_round": [round(base / library, 3) for base, library in rounds],
        "peak_rss_mb_before_migration": round(rss_before, 1),
        "peak_rss_mb": round(peak, 1),
        "records_written": report.records_written,
        "sample_mismatches": mismatches,
        "library_us_per_record_by_stage": breakdown,
    }
    print(json.dumps(results, indent=2))
    print(
        f"SQL INSERT ... SELECT: {n / baseline:,.0f} records/s; library: {n / elapsed:,.0f} records/s "
        f"({baseline / elapsed:.0%} of the baseline, the median of {len(rounds)} rounds; target >= 60%); "
        f"peak RSS {peak:.0f} MB (target < 300 MB)",
        file=sys.stderr,
    )
    if not args.keep:
        teardown()


if __name__ == "__main__":
    main()
