"""Query benchmark (issues 8 and 18): group_by + period=week + collect sum over a year of 1,000,000 records.

Loads the records once with PostgreSQL COPY, stored as the write path stores them (lean documents:
what the client sent plus `_id`; kept between runs; --reload to start again). In the same run it
builds a reference table holding the same records in the earlier stored form (documents carrying the
derived `_*_start_at` and `_updated_at` fields, same indexes). It then times, in turns:
- the read API's engine (`parse_query` + `run_query`, the same code the view runs),
- one hand-written SQL query computing the same figures over the same (lean) table,
- the same hand-written SQL over the reference table (what the store cost before issue 18),
checks that all three agree, prints the medians, `reference ratio: X` (engine over reference),
`bytes per record: N` (the average `pg_column_size` of the stored documents) and the engine
query's EXPLAIN ANALYZE, so that a regression to a sort on disk shows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_bench .venv/bin/python bench/query_records.py
        [--records 1000000] [--repeat 5] [--reload]
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stagecraft.settings.development")

import django  # noqa: E402

django.setup()

import reversion  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType  # noqa: E402
from stagecraft.apps.records.models import Record  # noqa: E402
from stagecraft.apps.records.query import parse_query, run_query  # noqa: E402

YEAR_START = datetime(2023, 1, 2, tzinfo=UTC)  # a Monday
YEAR_END = datetime(2024, 1, 1, tzinfo=UTC)  # 52 weeks later, a Monday
CHANNELS = ["web", "phone", "paper", "face-to-face", "agent", "app", "post", "email"]
QUERY = {
    "group_by": ["channel"],
    "period": ["week"],
    "collect": ["count:sum"],
    "start_at": [YEAR_START.isoformat()],
    "end_at": [YEAR_END.isoformat()],
}
HAND_WRITTEN = """
    SELECT data ->> 'channel', date_trunc('week', "timestamp"), count(*), sum((data ->> 'count')::numeric)
    FROM {table}
    WHERE data_set_id = %s AND "timestamp" >= %s AND "timestamp" < %s AND data ? 'channel'
    GROUP BY 1, 2
"""
REFERENCE = "bench_reference_records"
# The derived fields as the write path stored them before issue 18 (ISO 8601 text in UTC).
_ISO_SECOND = """'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'"""
_PERIOD_TEXTS = ", ".join(
    f"'_{unit}_start_at', to_char(date_trunc('{unit}', \"timestamp\" AT TIME ZONE 'UTC'), {_ISO_SECOND})"
    for unit in ["hour", "day", "week", "month", "quarter", "year"]
)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _documents(total: int, seed: int = 8) -> Iterator[tuple[str, datetime, dict]]:
    """Transactions-by-channel records spread over the year, stored as the write path stores them."""
    rng = random.Random(seed)
    span = int((YEAR_END - YEAR_START).total_seconds())
    for index in range(total):
        timestamp = YEAR_START + timedelta(seconds=rng.randrange(span))
        record_id = f"r{index:08}"
        document: dict[str, object] = {
            "_id": record_id,
            "_timestamp": _iso(timestamp),
            "channel": rng.choice(CHANNELS),
            "count": rng.randrange(1, 500),
            "service": f"service-{rng.randrange(40)}",
        }
        yield record_id, timestamp, document


def load(data_set: DataSet, total: int) -> float:
    """COPY the records in; returns the seconds taken."""
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM records_record WHERE data_set_id = %s", [data_set.pk])
        with connection.cursor() as cursor:
            columns = "data_set_id, record_id, timestamp, updated_at, data, size"
            copy_sql = f"COPY records_record ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for number, (record_id, timestamp, document) in enumerate(_documents(total), 1):
                    copy.write_row((data_set.pk, record_id, timestamp, YEAR_END, json.dumps(document), 0))
                    if number % 100_000 == 0:
                        print(f"  loaded {number:,} records", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE records_record")
    return time.perf_counter() - started


def build_reference(data_set: DataSet) -> float:
    """The reference table: the same records with their derived fields in the document, the same
    indexes as records_record; returns the seconds taken."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {REFERENCE}")
        cursor.execute(
            f"CREATE TABLE {REFERENCE} AS SELECT id, data_set_id, record_id, timestamp, updated_at, "
            f"data || jsonb_build_object({_PERIOD_TEXTS}, '_updated_at', "
            f"to_char(updated_at AT TIME ZONE 'UTC', {_ISO_SECOND})) AS data, size "
            "FROM records_record WHERE data_set_id = %s",
            [data_set.pk],
        )
        cursor.execute(f"ALTER TABLE {REFERENCE} ADD PRIMARY KEY (id)")
        cursor.execute(f"CREATE UNIQUE INDEX ON {REFERENCE} (data_set_id, record_id)")
        cursor.execute(f"CREATE INDEX ON {REFERENCE} (data_set_id, timestamp)")
        cursor.execute(f"VACUUM ANALYZE {REFERENCE}")
    return time.perf_counter() - started


def bytes_per_record(table: str, data_set: DataSet) -> float:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT avg(pg_column_size(data)) FROM {table} WHERE data_set_id = %s", [data_set.pk])
        return float(cursor.fetchone()[0])


def engine_plan(data_set: DataSet) -> list[str]:
    """EXPLAIN ANALYZE of the engine's aggregate query, run as the engine runs it (its settings)."""
    with CaptureQueriesContext(connection) as captured:
        run_engine(data_set)
    [sql] = [query["sql"] for query in captured.captured_queries if "GROUP BY" in query["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        [settings_sql] = [query["sql"] for query in captured.captured_queries if "set_config" in query["sql"]]
        cursor.execute(settings_sql)
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")
        return [line for (line,) in cursor.fetchall()]


def bench_data_set() -> DataSet:
    existing = DataSet.objects.filter(name="bench_transactions_by_channel").first()
    if existing:
        return existing
    with reversion.create_revision():
        reversion.set_comment("Created by bench/query_records.py")
        group, _ = DataGroup.objects.get_or_create(name="bench")
        data_type, _ = DataType.objects.get_or_create(
            name="transactions-by-channel", defaults={"description": "Benchmark data"}
        )
        return DataSet.objects.create(data_group=group, data_type=data_type, published=True)


def run_engine(data_set: DataSet) -> dict:
    rows = run_query(data_set, parse_query(QUERY, raw_queries_allowed=True), now=YEAR_END)
    return {
        (group["channel"], bucket["_start_at"]): (bucket["_count"], bucket["count:sum"])
        for group in rows
        for bucket in group["values"]
        if bucket["_count"]
    }


def _hand_written(table: str, data_set: DataSet) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(HAND_WRITTEN.format(table=table), [data_set.pk, YEAR_START, YEAR_END])
        return {
            (channel, week.astimezone(UTC)): (count, int(total))
            for channel, week, count, total in cursor.fetchall()
        }


def run_hand_written(data_set: DataSet) -> dict:
    return _hand_written("records_record", data_set)


def run_reference(data_set: DataSet) -> dict:
    return _hand_written(REFERENCE, data_set)


def timed(functions: list, data_set: DataSet, repeat: int) -> list[tuple[list[float], dict]]:
    """Runs the functions in turn, `repeat` rounds after a warm-up, so that they share any noise."""
    results = [function(data_set) for function in functions]  # warm-up: caches and plans
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(repeat):
        for index, function in enumerate(functions):
            started = time.perf_counter()
            results[index] = function(data_set)
            times[index].append(time.perf_counter() - started)
    return list(zip(times, results, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reload", action="store_true", help="delete and load the records again")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        parser.error("run this against PostgreSQL: set DATABASE_URL=postgres://...")

    call_command("migrate", verbosity=0)
    data_set = bench_data_set()
    if options.reload or Record.objects.filter(data_set=data_set).count() != options.records:
        print(f"Loading {options.records:,} records with COPY...", file=sys.stderr)
        print(f"loaded {options.records:,} records in {load(data_set, options.records):.1f} s")

    print(f"reference table (the same records as stored before) built in {build_reference(data_set):.1f} s")

    (engine_times, engine_result), (sql_times, sql_result), (reference_times, reference_result) = timed(
        [run_engine, run_hand_written, run_reference], data_set, options.repeat
    )
    if not engine_result == sql_result == reference_result:
        sys.exit("The engine and the hand-written SQL disagree: the benchmark is void.")

    engine, sql = statistics.median(engine_times), statistics.median(sql_times)
    reference = statistics.median(reference_times)
    groups = len({channel for channel, _ in engine_result})
    print(f"query: group_by=channel period=week collect=count:sum over 52 weeks ({groups} groups)")
    print(f"engine (parse_query + run_query): median {engine * 1000:.0f} ms  runs {_ms(engine_times)}")
    print(f"hand-written SQL:                  median {sql * 1000:.0f} ms  runs {_ms(sql_times)}")
    print(f"reference SQL (fat documents):     median {reference * 1000:.0f} ms  runs {_ms(reference_times)}")
    print(f"ratio engine / SQL: {engine / sql:.2f}x (target <= 1.5x)")
    print(f"reference ratio: {engine / reference:.2f} (target <= 0.65)")
    print(f"bytes per record: {bytes_per_record('records_record', data_set):.0f} (target <= 200)")
    print(f"bytes per record in the reference table: {bytes_per_record(REFERENCE, data_set):.0f}")
    plan = engine_plan(data_set)
    print("EXPLAIN ANALYZE of the engine's query:")
    print("\n".join(f"  {line}" for line in plan))
    if any("external merge" in line or "Disk:" in line for line in plan):
        print("WARNING: the engine's query spilled to disk (a sort or hash larger than work_mem)")


def _ms(times: list[float]) -> str:
    return " ".join(f"{value * 1000:.0f}" for value in times)


if __name__ == "__main__":
    main()
