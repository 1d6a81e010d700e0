"""Benchmark: checking N stored records (default 1,000,000) against a proposed data type schema (issue 13).

    ./bench/run.sh check_schema [--records N] [--keep]

It migrates the database, creates a data type (bench-schema-claims) with one data set of N records
loaded with COPY (kept between runs; --reload to load again), 1% of which the proposed schema refuses
(a negative count), then times, in the same run:

1. reading every record in keyset pages, decoding the documents and nothing else (the floor: what
   any check in Python must pay);
2. check_schema_change(), what the admin and `manage.py check_schema` run: the pipeline's fast
   pre-check for every record, jsonschema for the 1% it can't pass;
3. for scale, jsonschema alone (no fast pre-check) on the first 20,000 records.

Reading and checking alternate (--rounds, 2 by default) and the best time of each is kept. Memory: the
process's resident size is sampled every 100,000 records during the check (it must stay flat: the
records are read a page at a time), next to the peak.
"""

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stagecraft.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from jsonschema import Draft4Validator  # noqa: E402

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType  # noqa: E402
from stagecraft.apps.datasets.schema import compose_schema  # noqa: E402
from stagecraft.apps.records import schema_impact  # noqa: E402
from stagecraft.apps.records.models import Record  # noqa: E402
from stagecraft.apps.records.schema_check import format_checker  # noqa: E402

GROUP, TYPE = "bench-schema", "bench-schema-claims"
CHANNELS = ["digital", "paper", "phone", "counter"]
OLD_SCHEMA: dict = {"type": "object"}
# What the admin proposes: known channels, whole non-negative counts.
NEW_SCHEMA: dict = {
    "type": "object",
    "properties": {
        "channel": {"type": "string", "enum": CHANNELS},
        "count": {"type": "integer", "minimum": 0},
        "region": {"type": "string"},
    },
    "required": ["channel", "count"],
}
SAMPLE_EVERY = 100_000
BASE_EPOCH = 1388534400  # 2014-01-01T00:00:00Z


def rss_mib() -> float:
    """The resident set size now (Linux /proc), in MiB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def setup(records: int, reload: bool) -> tuple[DataType, DataSet]:
    call_command("migrate", verbosity=0)
    group, _ = DataGroup.objects.get_or_create(name=GROUP)
    data_type, _ = DataType.objects.get_or_create(name=TYPE, defaults={"schema": OLD_SCHEMA})
    data_set = DataSet.objects.filter(data_group=group, data_type=data_type).first()
    if data_set is None:
        data_set = DataSet.objects.create(data_group=group, data_type=data_type, bearer_token="bench")
    if reload or Record.objects.filter(data_set=data_set).count() != records:
        load(data_set, records)
    return data_type, data_set


def load(data_set: DataSet, records: int) -> None:
    """COPY N stored documents, as the write path stores them; every 100th has a negative count."""
    started = time.perf_counter()
    with transaction.atomic():
        Record.objects.filter(data_set=data_set).delete()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                "COPY records_record (data_set_id, record_id, timestamp, updated_at, data, size) FROM STDIN"
            ) as copy,
        ):
            for i in range(records):
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(BASE_EPOCH + (i // 4) * 60))
                document = {
                    "_id": f"r{i}",
                    "_timestamp": stamp,
                    "channel": CHANNELS[i % 4],
                    "count": -1 if i % 100 == 99 else i % 500,
                    "region": "wales",
                    "_updated_at": "2014-06-01T00:00:00+00:00",
                    "_day_start_at": stamp[:10] + "T00:00:00+00:00",
                    "_week_start_at": stamp[:10] + "T00:00:00+00:00",
                    "_month_start_at": stamp[:8] + "01T00:00:00+00:00",
                }
                copy.write_row(
                    [data_set.pk, f"r{i}", stamp, "2014-06-01T00:00:00+00:00", json.dumps(document), 0]
                )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE records_record")
    print(f"loaded {records:,} records with COPY in {time.perf_counter() - started:.1f}s", file=sys.stderr)


def read_only(data_set: DataSet) -> tuple[float, int]:
    """Seconds to read and decode every record in the check's pages, and how many."""
    started, count = time.perf_counter(), 0
    for _ in schema_impact._stored_records(data_set.pk, schema_impact.PAGE_SIZE):
        count += 1
    return time.perf_counter() - started, count


def check(data_type: DataType) -> tuple[float, schema_impact.SchemaImpact, list[tuple[int, float]]]:
    """check_schema_change(), with the resident size sampled every SAMPLE_EVERY records."""
    samples: list[tuple[int, float]] = []
    reader = schema_impact._stored_records

    def sampled(data_set_id: int, page_size: int) -> Iterator[tuple[str, dict]]:
        n = 0
        for n, item in enumerate(reader(data_set_id, page_size), 1):
            if n % SAMPLE_EVERY == 0:
                samples.append((n, rss_mib()))
            yield item
        if n % SAMPLE_EVERY:
            samples.append((n, rss_mib()))

    schema_impact._stored_records = sampled
    try:
        started = time.perf_counter()
        impact = schema_impact.check_schema_change(data_type, NEW_SCHEMA)
        return time.perf_counter() - started, impact, samples
    finally:
        schema_impact._stored_records = reader


def jsonschema_alone(data_set: DataSet, records: int = 20_000) -> float:
    """Seconds per record for jsonschema with no fast pre-check, on the first `records` records."""
    validator = Draft4Validator(compose_schema(GROUP, TYPE, NEW_SCHEMA), format_checker=format_checker)
    documents = list(
        Record.objects.filter(data_set=data_set).order_by("pk").values_list("data", flat=True)[:records]
    )
    started = time.perf_counter()
    for document in documents:
        for _ in validator.iter_errors(document):
            pass
    return (time.perf_counter() - started) / len(documents)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--reload", action="store_true", help="Load the records again.")
    parser.add_argument("--rounds", type=int, default=2, help="Reading and checking alternate this often.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmark loads records with COPY.")

    data_type, data_set = setup(args.records, args.reload)
    rss_before = rss_mib()
    # In turns, so that both see a warm cache and the same load from elsewhere; the best of each.
    floors, checks = [], []
    for _ in range(args.rounds):
        floors.append(read_only(data_set))
        checks.append(check(data_type))
    floor, read = min(floors)
    elapsed, impact, samples = min(checks, key=lambda run: run[0])
    per_record = jsonschema_alone(data_set)
    results = {
        "records": read,
        "read_only_seconds_each_round": [round(seconds, 2) for seconds, _ in floors],
        "check_seconds_each_round": [round(run[0], 2) for run in checks],
        "read_only_seconds": round(floor, 2),
        "read_only_records_per_s": round(read / floor),
        "check_seconds": round(elapsed, 2),
        "check_records_per_s": round(impact.checked / elapsed),
        "check_vs_read_only": round(elapsed / floor, 2),
        "records_failing": impact.failing,
        "jsonschema_alone_us_per_record": round(per_record * 1e6, 1),
        "jsonschema_alone_records_per_s": round(1 / per_record),
        "rss_mib_before_check": round(rss_before, 1),
        "rss_mib_during_check": {n: round(mib, 1) for n, mib in samples},
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }
    print(json.dumps(results, indent=2))
    print(
        f"checked {impact.checked:,} records in {elapsed:.1f}s ({impact.checked / elapsed:,.0f} records/s; "
        f"reading alone {read / floor:,.0f}/s); {impact.failing:,} would fail; resident size "
        f"{min(m for _, m in samples):.0f}-{max(m for _, m in samples):.0f} MiB during the check",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
