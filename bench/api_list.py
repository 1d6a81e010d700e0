"""Benchmark: GET /data-sets and GET /data-sets/<name> with 10,000 data sets, next to a baseline.

The baseline is the least a list can cost: the same rows fetched with one raw SQL query, turned into
the same dictionaries and serialised with the standard json module, without Django's request
handling, authentication or ORM. The target (issue #4) is the list route within 2x of it.

Run it on PostgreSQL, in a database of its own (it is migrated and filled on the first run, and
reused after):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_api_bench .venv/bin/python bench/api_list.py

Requests go through Django's test client in this process (no network, no HTTP server), so the figures
are the application's own cost. Options: --data-sets N (default 10000), --seconds S per measurement.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stagecraft.settings.test")
# Keep the database connection between requests, as production should (DATABASE_CONN_MAX_AGE).
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from stagecraft.apps.apiclients.clients import create_client, replace_token  # noqa: E402
from stagecraft.apps.apiclients.models import ApiClient  # noqa: E402
from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType  # noqa: E402
from stagecraft.apps.datasets.schema import compose_schema  # noqa: E402
from stagecraft.apps.datasets.validators import split_comma_list  # noqa: E402

PREFIX = "bench-"
BASELINE_SQL = """
    SELECT ds.name, g.name, t.id, t.name, t.schema::text, ds.raw_queries_allowed, ds.bearer_token,
           ds.upload_format, ds.upload_filters, ds.auto_ids, ds.queryable, ds.realtime, ds.capped_size,
           ds.max_age_expected, ds.published
    FROM datasets_dataset ds
    JOIN datasets_datagroup g ON g.id = ds.data_group_id
    JOIN datasets_datatype t ON t.id = ds.data_type_id
    {where}
    ORDER BY ds.id
"""


def load(count: int) -> None:
    """Create `count` data sets over 100 types (some with a schema) and count/100 groups, once."""
    if DataSet.objects.filter(name__startswith=PREFIX.replace("-", "_")).count() >= count:
        return
    print(f"Loading {count} data sets...", file=sys.stderr)
    types = [
        DataType.objects.get_or_create(
            name=f"{PREFIX}type-{n}",
            defaults={
                "schema": {"type": "object", "properties": {"count": {"type": "integer"}}} if n % 2 else {}
            },
        )[0]
        for n in range(100)
    ]
    groups = [
        DataGroup.objects.get_or_create(name=f"{PREFIX}group-{n}")[0] for n in range((count + 99) // 100)
    ]
    existing = set(DataSet.objects.values_list("data_group_id", "data_type_id"))
    # bulk_create skips save(): set the generated name here, as save() would.
    rows = [
        DataSet(
            name=f"{group.name}_{data_type.name}".replace("-", "_"),
            data_group=group,
            data_type=data_type,
            bearer_token=f"token-{group.id}-{data_type.id}",
            auto_ids="_timestamp, channel",
            upload_filters="backdrop.filters.first_sheet",
        )
        for group in groups
        for data_type in types
        if (group.id, data_type.id) not in existing
    ][: max(0, count - len(existing))]
    DataSet.objects.bulk_create(rows, batch_size=2000)


def baseline(name: str | None = None) -> bytes:
    where = "WHERE ds.name = %s" if name else ""
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL.format(where=where), [name] if name else [])
        rows = cursor.fetchall()
    schemas: dict[int, dict] = {}
    result = []
    for (ds_name, group, type_id, type_name, schema_text, raw, token, fmt, filters, auto_ids, queryable,
         realtime, capped, max_age, published) in rows:  # fmt: skip
        if type_id not in schemas:
            schemas[type_id] = json.loads(schema_text)
        result.append(
            {
                "name": ds_name,
                "data_group": group,
                "data_type": type_name,
                "raw_queries_allowed": raw,
                "bearer_token": token or None,
                "upload_format": fmt,
                "upload_filters": split_comma_list(filters),
                "auto_ids": split_comma_list(auto_ids),
                "queryable": queryable,
                "realtime": realtime,
                "capped_size": capped,
                "max_age_expected": max_age,
                "published": published,
                "schema": compose_schema(group, type_name, schemas[type_id]),
            }
        )
    return json.dumps(result if name is None else result[0]).encode()


def measure_pair(
    label: str, baseline_call: Callable[[], object], api_call: Callable[[], object], seconds: float
) -> list[dict]:
    """Time both sides alternately, so load from elsewhere on the machine hits them alike."""
    baseline_call(), api_call()  # warm up
    times: dict[str, list[float]] = {"baseline": [], "api": []}
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or len(times["api"]) < 5:
        for side, call in (("baseline", baseline_call), ("api", api_call)):
            t0 = time.perf_counter()
            call()
            times[side].append(time.perf_counter() - t0)
    return [
        {"label": name, "requests": len(runs), "per_second": 1 / statistics.median(runs),
         "ms": statistics.median(runs) * 1000}
        for name, runs in ((f"baseline {label} (raw SQL + json)", times["baseline"]), (label, times["api"]))
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-sets", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL: set DATABASE_URL=postgres://... (see the docstring).")

    call_command("migrate", verbosity=0)
    load(args.data_sets)
    client = ApiClient.objects.filter(name="bench").first()
    token = replace_token(client) if client else create_client("bench", ["admin"])[1]
    http = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    total = DataSet.objects.count()
    detail_name = DataSet.objects.order_by("id").values_list("name", flat=True)[total // 2]

    # Same content on both sides, or the comparison means nothing.
    response = http.get("/data-sets")
    assert response.status_code == 200, response.content[:200]
    assert json.loads(response.content) == json.loads(baseline()), "list differs from the baseline"
    assert json.loads(http.get(f"/data-sets/{detail_name}").content) == json.loads(baseline(detail_name))

    results = measure_pair("GET /data-sets", baseline, lambda: http.get("/data-sets"), args.seconds)
    results += measure_pair(
        "GET /data-sets/<name>",
        lambda: baseline(detail_name),
        lambda: http.get(f"/data-sets/{detail_name}"),
        args.seconds / 2,
    )
    print(
        f"{total} data sets, {len(response.content) / 1e6:.1f} MB list body; medians, sides run alternately"
    )
    print(f"{'':48} {'req/s':>9} {'ms/req':>9} {'runs':>6}")
    for r in results:
        print(f"{r['label']:48} {r['per_second']:9.1f} {r['ms']:9.2f} {r['requests']:6d}")
    print(f"list:   {results[1]['ms'] / results[0]['ms']:.2f}x the baseline (target: 2x or less)")
    print(f"detail: {results[3]['ms'] / results[2]['ms']:.2f}x the baseline")


if __name__ == "__main__":
    main()
