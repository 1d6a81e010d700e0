"""Record ingest benchmark: the full write API against PostgreSQL COPY of the same rows (issue 5).

Posts N realistic records (default 100,000) with auto_ids in batches of 1,000 through the whole
write path (Django test client: middleware, token, body reading, pipeline, upsert), then loads the
very rows that produced with COPY, and reports both rates, their ratio and the peak memory. The two
sides take turns, --rounds times each (5), each starting from a vacuumed table after a checkpoint;
the round with the median ratio is reported, with every round's ratio.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_bench .venv/bin/python bench/ingest_records.py

It migrates the database it is given and works in its own data set (group "bench-ingest"), which it
empties before and after: point it at a scratch database. Options: --records N, --batch N, --rounds N,
--trace-memory (adds the Python heap peak, measured with tracemalloc, which slows the run).
"""

import argparse
import datetime
import gc
import io
import json
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stagecraft.settings.test")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType  # noqa: E402
from stagecraft.apps.records.models import Record  # noqa: E402
from stagecraft.apps.records.storage import empty_data_set  # noqa: E402
from stagecraft.apps.records.views import write as write_module  # noqa: E402

TOKEN = "bench-ingest-token"
CHANNELS = ["digital", "paper", "phone", "face-to-face", "assisted-digital"]
REGIONS = ["london", "south-east", "south-west", "wales", "scotland", "north-east", "north-west", "midlands"]
SCHEMA = {
    "type": "object",
    "properties": {"count": {"type": "integer"}, "channel": {"type": "string"}},
    "required": ["count", "channel"],
}
START = datetime.datetime(2014, 1, 1)
COLUMNS = "data_set_id, record_id, timestamp, updated_at, data, size"


def record(n: int) -> dict:
    """A transactions-by-channel record; (_timestamp, channel, region) is unique for each n."""
    combos = len(CHANNELS) * len(REGIONS)
    hour, rest = divmod(n, combos)
    return {
        "_timestamp": (START + datetime.timedelta(hours=hour)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "channel": CHANNELS[rest % len(CHANNELS)],
        "region": REGIONS[rest // len(CHANNELS)],
        "count": (n * 7919) % 1000,
        "rate": round((n % 997) / 997, 6),
        "service": "carers-allowance",
        "period": "hour",
    }


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def traced_heap_mib() -> tuple[float, float] | None:
    """(Python heap kept after a full collection, peak so far) with --trace-memory, in MiB."""
    if not tracemalloc.is_tracing():
        return None
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    return current / (1024 * 1024), peak / (1024 * 1024)


def set_up() -> DataSet:
    call_command("migrate", verbosity=0)
    group, _ = DataGroup.objects.get_or_create(name="bench-ingest")
    data_type, _ = DataType.objects.get_or_create(name="bench-transactions", defaults={"schema": SCHEMA})
    data_set = DataSet.objects.filter(data_group=group, data_type=data_type).first()
    if data_set is None:
        data_set = DataSet.objects.create(
            data_group=group, data_type=data_type, bearer_token=TOKEN, auto_ids="_timestamp,channel,region"
        )
    empty_data_set(data_set)
    return data_set


def ingest(data_set: DataSet, total: int, batch: int) -> dict:
    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/data/{data_set.data_group.name}/{data_set.data_type.name}"
    timings = {"storage": 0.0}
    real_store = write_module.store_chunks

    def timed_store(
        data_set: DataSet,
        chunks: Iterable[list[dict]],
        now: datetime.datetime | None = None,
        *,
        all_new: bool = False,
    ) -> int:
        # The pipeline checks each chunk as storage asks for it: the two are timed together.
        started = time.perf_counter()
        try:
            return real_store(data_set, chunks, now, all_new=all_new)
        finally:
            timings["storage"] += time.perf_counter() - started

    write_module.store_chunks = timed_store
    elapsed = 0.0
    rss_at_tenth = heap_at_tenth = None
    try:
        for start in range(0, total, batch):
            # Building the client's JSON is the client's work: outside the timed part.
            body = json.dumps([record(n) for n in range(start, min(start + batch, total))])
            started = time.perf_counter()
            response = client.post(
                url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
            )
            elapsed += time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(
                    f"batch at {start} failed: {response.status_code} {response.content[:500]!r}"
                )
            if rss_at_tenth is None and start + batch >= total // 10:
                rss_at_tenth, heap_at_tenth = peak_rss_mib(), traced_heap_mib()
            print(f"\r  posted {min(start + batch, total):,}/{total:,}", end="", file=sys.stderr)
    finally:
        write_module.store_chunks = real_store
    print(file=sys.stderr)
    return {
        "seconds": elapsed,
        "storage": timings["storage"],
        "rss_at_tenth": rss_at_tenth,
        "rss": peak_rss_mib(),
        "heap_at_tenth": heap_at_tenth,
        "heap": traced_heap_mib(),
    }


def settle() -> None:
    """Start each timed side from the same state: the rows deleted before it vacuumed, and the pages
    written before it on disk (a checkpoint brought on by earlier writes would otherwise fall in its
    time)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE records_record")
        cursor.execute("CHECKPOINT")


def copy_baseline(data_set: DataSet) -> tuple[float, int]:
    """Dump the rows the API wrote, delete them, and time loading the same rows with COPY."""
    dump = io.BytesIO()
    with connection.cursor() as cursor:
        select = f"SELECT {COLUMNS} FROM records_record WHERE data_set_id = {int(data_set.pk)}"
        with cursor.cursor.copy(f"COPY ({select}) TO STDOUT") as copy:
            for chunk in copy:
                dump.write(chunk)
    count = empty_data_set(data_set)
    payload = dump.getvalue()
    settle()
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY records_record ({COLUMNS}) FROM STDIN") as copy,
    ):
        for offset in range(0, len(payload), 1 << 20):
            copy.write(payload[offset : offset + (1 << 20)])
    seconds = time.perf_counter() - started
    return seconds, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=5, help="write API and COPY in turns, N times each")
    parser.add_argument(
        "--trace-memory", action="store_true", help="also report the Python heap peak (tracemalloc; slower)"
    )
    args = parser.parse_args()
    if args.trace_memory:
        tracemalloc.start()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a scratch PostgreSQL database (the baseline is COPY).")
    logging.getLogger("stagecraft.records").setLevel(logging.WARNING)

    data_set = set_up()
    rounds = []
    for number in range(1, args.rounds + 1):
        settle()
        api = ingest(data_set, args.records, args.batch)
        stored = Record.objects.filter(data_set=data_set).count()
        assert stored == args.records, f"expected {args.records} rows, found {stored}"
        copy_seconds, copied = copy_baseline(data_set)
        assert copied == args.records
        empty_data_set(data_set)
        rounds.append((api, copy_seconds))
        print(
            f"round {number}: write API {api['seconds']:.2f} s, COPY {copy_seconds:.2f} s "
            f"({copy_seconds / api['seconds']:.1%})",
            file=sys.stderr,
        )
    # The round with the median ratio stands for the run; memory is the first round's (the peak RSS
    # of later rounds includes the COPY baseline's copy of the rows).
    memory = rounds[0][0]
    api, copy_seconds = sorted(rounds, key=lambda times: times[1] / times[0]["seconds"])[len(rounds) // 2]

    api_rate = args.records / api["seconds"]
    copy_rate = args.records / copy_seconds
    print(f"records:            {args.records:,} in batches of {args.batch:,}, {len(rounds)} rounds")
    print(
        f"write API:          {api['seconds']:.1f} s, {api_rate:,.0f} records/s "
        f"(checking and storing, interleaved: {api['storage']:.1f} s; the rest HTTP handling, the token, "
        "the lock, the write log, the commit)"
    )
    print(f"COPY baseline:      {copy_seconds:.2f} s, {copy_rate:,.0f} records/s")
    print(
        f"ratio:              {api_rate / copy_rate:.1%} of the COPY rate (the median round; target >= 40%); "
        "by round: " + ", ".join(f"{base / api['seconds']:.1%}" for api, base in rounds)
    )
    print(
        f"peak RSS:           {memory['rss_at_tenth']:.0f} MiB after 10% of the records, "
        f"{memory['rss']:.0f} MiB at the end (the first round's write API)"
    )
    if memory["heap"] is not None:
        (kept_tenth, peak_tenth), (kept_end, peak_end) = memory["heap_at_tenth"], memory["heap"]
        print(
            f"Python heap:        {kept_tenth:.1f} MiB kept after 10%, {kept_end:.1f} MiB kept at the end; "
            f"peak {peak_tenth:.1f} MiB in the first 10%, {peak_end:.1f} MiB over the run"
        )


if __name__ == "__main__":
    main()
