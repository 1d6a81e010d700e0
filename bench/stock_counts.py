"""Time to count every data-set-health stock and facet, against one hand-written GROUP BY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_bench .venv/bin/python bench/stock_counts.py

Creates 100,000 data sets (400 groups x 250 types; two in three with records, some stale, a fifth
published) inside a transaction that is rolled back at the end, so the database is left as it was
(it must be migrated). Then times, alternately, 5 times each (best and median): stockandflow's
count_stocks over the five stocks of the data-set-health process (all facets: one grouped query, plus
one for each queryset-valued facet's values), and the same totals and facet counts from one
hand-written SQL GROUPING SETS query. PostgreSQL's JIT is off for the run (BENCH_JIT=on keeps it);
BENCH_WORK_MEM=32MB sets work_mem.
"""

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stagecraft.settings.development")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType  # noqa: E402
from stagecraft.apps.metrics import definitions  # noqa: E402
from stagecraft.apps.records.models import Record  # noqa: E402
from stockandflow.stocks import count_stocks  # noqa: E402

GROUPS, TYPES, RUNS = 400, 250, 5

T = TypeVar("T")

HAND_WRITTEN = """
WITH m AS (
    SELECT ds.published, ds.realtime, g.name AS grp, t.name AS typ,
           CASE WHEN lw.ts IS NULL THEN 'never'
                WHEN ds.max_age_expected IS NULL THEN 'fresh'
                WHEN lw.ts < %(now)s - ds.max_age_expected * INTERVAL '1 second' THEN 'stale'
                ELSE 'fresh' END AS freshness
    FROM datasets_dataset ds
    JOIN datasets_datagroup g ON g.id = ds.data_group_id
    JOIN datasets_datatype t ON t.id = ds.data_type_id
    LEFT JOIN LATERAL (SELECT max(r.timestamp) AS ts FROM records_record r WHERE r.data_set_id = ds.id) lw
        ON true
)
SELECT GROUPING(published, freshness, grp, typ, realtime), published, freshness, grp, typ, realtime, count(*)
FROM m
GROUP BY GROUPING SETS ((published), (published, grp), (published, typ), (published, realtime),
                        (freshness), (freshness, grp), (freshness, typ), (freshness, realtime))
"""


def populate() -> None:
    now = timezone.now()
    rng = random.Random(7)
    groups = DataGroup.objects.bulk_create([DataGroup(name=f"bench-group-{i}") for i in range(GROUPS)])
    types = DataType.objects.bulk_create([DataType(name=f"bench-type-{i}") for i in range(TYPES)])
    data_sets = DataSet.objects.bulk_create(
        [
            DataSet(
                name=f"bench_group_{g}_bench_type_{t}",
                data_group=group,
                data_type=type_,
                published=rng.random() < 0.2,
                realtime=rng.random() < 0.1,
                max_age_expected=rng.choice([None, 3600, 86400]),
            )
            for g, group in enumerate(groups)
            for t, type_ in enumerate(types)
        ],
        batch_size=5000,
    )
    records = [
        Record(data_set=ds, record_id="1", timestamp=at, updated_at=at, data={})
        for ds in data_sets
        if rng.random() < 2 / 3
        for at in [now - timedelta(seconds=rng.randint(0, 2 * 86400))]
    ]
    Record.objects.bulk_create(records, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE datasets_dataset; ANALYZE records_record")
        # PostgreSQL's JIT compiles these plans for about 2 s on every run (its cost estimate of the
        # per-row subquery is far too high), which would swamp both timings; switched off for this run.
        if os.environ.get("BENCH_JIT", "off") == "off":
            cursor.execute("SET LOCAL jit = off")
        if os.environ.get("BENCH_WORK_MEM"):
            cursor.execute("SELECT set_config(%s, %s, true)", ["work_mem", os.environ["BENCH_WORK_MEM"]])
    print(f"{len(data_sets)} data sets, {len(records)} records", file=sys.stderr)


def timed(func: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def hand_written() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(HAND_WRITTEN, {"now": timezone.now()})
        return cursor.fetchall()


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL: set DATABASE_URL=postgres://...")
    with transaction.atomic():
        populate()
        # One "now" for both countings, so records near a max age boundary fall on the same side.
        frozen = timezone.now()
        timezone.now = lambda: frozen
        stocks = definitions.process.stocks
        # Alternate the two sides so that load from elsewhere on the machine hits both alike.
        ours_times, hand_times = [], []
        for _ in range(RUNS):
            elapsed, counts = timed(lambda: count_stocks(stocks))
            ours_times.append(elapsed)
            elapsed, rows = timed(hand_written)
            hand_times.append(elapsed)
        ours_best, ours_median = min(ours_times), statistics.median(ours_times)
        hand_best, hand_median = min(hand_times), statistics.median(hand_times)
        totals = {slug: c.total for slug, c in counts.items()}
        hand_totals = {r[1] if r[0] == 0b01111 else r[2]: r[-1] for r in rows if r[0] in (0b01111, 0b10111)}
        assert totals == {
            "published": hand_totals[True],
            "unpublished": hand_totals[False],
            "fresh": hand_totals.get("fresh", 0),
            "stale": hand_totals.get("stale", 0),
            "never-written": hand_totals.get("never", 0),
        }, (totals, hand_totals)
        print(f"stock totals: {totals}")
        for label, best, median in [
            ("count_stocks, 5 stocks x 3 facets", ours_best, ours_median),
            ("one hand-written GROUPING SETS", hand_best, hand_median),
        ]:
            print(f"{label:35} best {best * 1000:7.0f} ms, median {median * 1000:7.0f} ms")
        print(f"ratio (best): {ours_best / hand_best:.2f}x, (median): {ours_median / hand_median:.2f}x")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
