"""Query benchmark (issue 8): group_by + period=week + collect sum over a year of 1,000,000 records.

Loads the records once with PostgreSQL COPY (kept between runs; --reload to start again), then times
the read API's engine (`parse_query` + `run_query`, the same code the view runs) next to one
hand-written SQL query computing the same figures, in the same run, and checks they agree.

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

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType  # noqa: E402
from stagecraft.apps.records.models import Record  # noqa: E402
from stagecraft.apps.records.query import parse_query, run_query  # noqa: E402
from stagecraft.apps.records.query.periods import PERIODS  # noqa: E402

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
    FROM records_record
    WHERE data_set_id = %s AND "timestamp" >= %s AND "timestamp" < %s AND data ? 'channel'
    GROUP BY 1, 2
"""


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _documents(total: int, seed: int = 8) -> Iterator[tuple[str, datetime, dict]]:
    """Transactions-by-channel records spread over the year, stored as the write path stores them."""
    rng = random.Random(seed)
    span = int((YEAR_END - YEAR_START).total_seconds())
    written = _iso(YEAR_END)
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
        for name, period in PERIODS.items():
            document[f"_{name}_start_at"] = _iso(period.start(timestamp))
        document["_updated_at"] = written
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


def run_hand_written(data_set: DataSet) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(HAND_WRITTEN, [data_set.pk, YEAR_START, YEAR_END])
        return {
            (channel, week.astimezone(UTC)): (count, int(total))
            for channel, week, count, total in cursor.fetchall()
        }


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

    (engine_times, engine_result), (sql_times, sql_result) = timed(
        [run_engine, run_hand_written], data_set, options.repeat
    )
    if engine_result != sql_result:
        sys.exit("The engine and the hand-written SQL disagree: the benchmark is void.")

    engine, sql = statistics.median(engine_times), statistics.median(sql_times)
    groups = len({channel for channel, _ in engine_result})
    print(f"query: group_by=channel period=week collect=count:sum over 52 weeks ({groups} groups)")
    print(f"engine (parse_query + run_query): median {engine * 1000:.0f} ms  runs {_ms(engine_times)}")
    print(f"hand-written SQL:                  median {sql * 1000:.0f} ms  runs {_ms(sql_times)}")
    print(f"ratio engine / SQL: {engine / sql:.2f}x (target <= 1.5x)")


def _ms(times: list[float]) -> str:
    return " ".join(f"{value * 1000:.0f}" for value in times)


if __name__ == "__main__":
    main()
