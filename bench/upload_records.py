"""Admin upload benchmark: a 10,000-row CSV previewed, then stored (issue 16).

Logs in to the admin (Django's test client, in-process: middleware, sessions, CSRF off as in tests)
and times the three steps a person takes, each several times (medians):

    upload   POST the file: parse, run the pipeline over every row for the preview, keep the parsed
             upload (PendingUpload), redirect
    preview  GET the preview page: load the kept upload, run the pipeline again, render the first rows
    store    POST the confirmation: the pipeline once more, then every record stored

Target: a 10,000-row upload previews and stores "within a few seconds".

    ./bench/run.sh upload_records [--rows 10000] [--repeat 5]

It works in its own data set (group "bench-upload"), which it empties before each run: point it at a
scratch database (bench/run.sh gives it one).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stagecraft.settings.test")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType  # noqa: E402
from stagecraft.apps.records.models import PendingUpload, Record  # noqa: E402
from stagecraft.apps.records.storage import empty_data_set  # noqa: E402

T = TypeVar("T")
CHANNELS = ["digital", "paper", "phone", "face-to-face", "assisted-digital"]
SCHEMA = {
    "type": "object",
    "properties": {"count": {"type": "integer"}, "channel": {"type": "string"}},
    "required": ["count", "channel"],
}


def csv_content(rows: int) -> bytes:
    """A spreadsheet export: plain dates, a channel, a region, counts and a rate; unique by
    (_timestamp, channel, region) so that every row is its own record."""
    lines = ["_timestamp,channel,region,count,rate,comment"]
    start = datetime.date(2000, 1, 1)
    for n in range(rows):
        day, rest = divmod(n, len(CHANNELS) * 4)
        channel, region = CHANNELS[rest % len(CHANNELS)], f"region-{rest // len(CHANNELS)}"
        when = start + datetime.timedelta(days=day)
        lines.append(f"{when},{channel},{region},{n % 997},{n % 89 / 89:.4f},")
    return ("\n".join(lines) + "\n").encode()


def data_set() -> DataSet:
    group, _ = DataGroup.objects.get_or_create(name="bench-upload")
    data_type, _ = DataType.objects.update_or_create(
        name="bench-upload-transactions", defaults={"schema": SCHEMA}
    )
    found, _ = DataSet.objects.get_or_create(
        data_group=group,
        data_type=data_type,
        defaults={"auto_ids": "_timestamp,channel,region", "bearer_token": "bench-upload-token"},
    )
    return found


def admin_client() -> Client:
    user, _ = User.objects.get_or_create(username="bench-upload-admin", defaults={"is_staff": True})
    user.is_superuser = True
    user.save()
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def timed(action: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def one_run(client: Client, target: DataSet, content: bytes, rows: int) -> tuple[float, float, float]:
    empty_data_set(target)
    PendingUpload.objects.all().delete()
    upload_url = f"/admin/datasets/dataset/{target.pk}/records/upload/"
    upload_time, response = timed(
        lambda: client.post(upload_url, {"file": SimpleUploadedFile("bench.csv", content, "text/csv")})
    )
    assert response.status_code == 302, response.content[:2000]
    preview_url = response["Location"]
    preview_time, response = timed(lambda: client.get(preview_url))
    assert response.status_code == 200
    assert f"Store {rows:,} records".replace(",", "") in response.content.decode().replace(",", "")
    store_time, response = timed(lambda: client.post(preview_url))
    assert response.status_code == 302
    assert Record.objects.filter(data_set=target).count() == rows
    return upload_time, preview_time, store_time


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("stagecraft.records").setLevel(logging.WARNING)

    content = csv_content(args.rows)
    target = data_set()
    client = admin_client()
    print(f"{args.rows:,} rows, {len(content):,} bytes of CSV, database {connection.vendor}")
    runs = [one_run(client, target, content, args.rows) for _ in range(args.repeat)]
    steps = ("upload (parse + preview check)", "preview page", "store")
    for name, times in zip(steps, zip(*runs, strict=True), strict=True):
        each = ", ".join(f"{t:.2f}" for t in times)
        print(f"{name:32} median {statistics.median(times):6.2f} s   (runs: {each})")
    totals = [sum(run) for run in runs]
    print(f"{'whole (upload, preview, store)':32} median {statistics.median(totals):6.2f} s")
    empty_data_set(target)


if __name__ == "__main__":
    main()
