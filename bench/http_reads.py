"""HTTP read benchmark (issue 18): a dashboard's query over HTTP, cold, then revalidated with its ETag.

Stagecraft is served by gunicorn (2 sync workers, the production settings with DEBUG off, plain HTTP,
keep-alive database connections) against a PostgreSQL database holding query_records.py's 1,000,000
transactions-by-channel records (loaded with its COPY loader, kept between runs; --reload to load
again). A load generator (wrk, Debian's `wrk` package; else a small Python client: threads, one
keep-alive http.client connection each) asks for a typical dashboard query,

    /data/bench/transactions-by-channel?group_by=channel&period=week&end_at=2024-01-01T00:00:00Z
        &duration=52&collect=count:sum

(a year of weekly sums per channel, counted back from the end of the loaded year rather than from now,
so that the window holds the records), first without If-None-Match (each request runs the query),
then with If-None-Match holding the answer's ETag (each request is a 304). It prints requests per
second and latencies for each, and their ratio.

    ./bench/run.sh http_reads [--records 1000000] [--seconds 30] [--connections 4] [--reload]
        [--client wrk|python]
"""

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django.db import connection  # noqa: E402
from query_records import bench_data_set, load  # noqa: E402  (sets Django up)

from stagecraft.apps.records.models import Record, RecordCount  # noqa: E402
from stagecraft.apps.records.storage import count_changed  # noqa: E402
from stagecraft.testing.app_server import serving  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PATH = (
    "/data/bench/transactions-by-channel?group_by=channel&period=week"
    "&end_at=2024-01-01T00:00:00Z&duration=52&collect=count:sum"
)


def prepare(records: int, reload: bool) -> None:
    """The benchmark's data set holding `records` records, counted and stamped as storage.py keeps
    them (the COPY loader writes around it)."""
    data_set = bench_data_set()
    if reload or Record.objects.filter(data_set=data_set).count() != records:
        print(f"Loading {records:,} records with COPY...", file=sys.stderr)
        print(f"loaded {records:,} records in {load(data_set, records):.1f} s")
    RecordCount.objects.update_or_create(data_set=data_set, defaults={"count": records})
    count_changed(data_set.pk, 0)


def production_environment() -> dict[str, str]:
    """The production settings as the Procfile runs them, on plain HTTP."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stagecraft.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP here; TLS ends at a proxy in production
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "DATABASE_CONN_MAX_AGE": "600",
    }


def fetch(port: int, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    conn = HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", PATH, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


class Run:
    def __init__(self, name: str, requests: int, seconds: float, latencies_ms: dict[str, float], bad: int):
        self.name, self.requests, self.seconds, self.latencies_ms, self.bad = (
            name,
            requests,
            seconds,
            latencies_ms,
            bad,
        )

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def line(self) -> str:
        latency = "  ".join(f"{name} {value:.1f} ms" for name, value in self.latencies_ms.items())
        bad = f"  ({self.bad} unexpected answers)" if self.bad else ""
        return f"{self.name:<28} {self.rate:10.1f} req/s  {self.requests:7} requests  latency {latency}{bad}"


def with_wrk(name: str, port: int, headers: dict[str, str], seconds: int, connections: int) -> Run:
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "120s",
        "--latency",
    ]
    for header, value in headers.items():
        command += ["-H", f"{header}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{PATH}"], capture_output=True, text=True, check=True
    ).stdout
    requests = re.search(r"(\d+) requests in ([\d.]+)(m?s|m)", output)
    if requests is None:
        sys.exit(f"Could not read wrk's output:\n{output}")
    latencies = {
        f"p{percent}": _ms(value, unit)
        for percent, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: .*timeout (\d+)", output)
    return Run(
        name,
        int(requests.group(1)),
        _seconds(float(requests.group(2)), requests.group(3)),
        latencies,
        (int(bad.group(1)) if bad else 0) + (int(errors.group(1)) if errors else 0),
    )


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _seconds(value: float, unit: str) -> float:
    return value * {"ms": 0.001, "s": 1.0, "m": 60.0}[unit]


def with_python(
    name: str, port: int, headers: dict[str, str], seconds: int, connections: int, expected: int
) -> Run:
    """Threads, one keep-alive connection each (reopened when gunicorn's sync workers close it)."""
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        conn = HTTPConnection("127.0.0.1", port, timeout=120)
        mine: list[float] = []
        unexpected = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            conn.request("GET", PATH, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            unexpected += response.status != expected
            if response.will_close:
                conn.close()
        with lock:
            latencies.extend(mine)
            bad[0] += unexpected

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return Run(name, len(latencies), elapsed, {"p50": cuts[49], "p90": cuts[89], "p99": cuts[98]}, bad[0])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=30, help="length of each run")
    parser.add_argument("--connections", type=int, default=4, help="concurrent clients")
    parser.add_argument("--reload", action="store_true", help="delete and load the records again")
    parser.add_argument(
        "--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python"
    )
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        parser.error("run this against PostgreSQL: set DATABASE_URL=postgres://... (./bench/run.sh does)")

    prepare(options.records, options.reload)
    connection.close()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "gunicorn.log"
        # gunicorn with 2 workers, as the Procfile runs it, on a free port.
        with serving(production_environment(), log, workers=2, access_log=False) as app:
            port = app.port
            status, headers, body = fetch(port, {})
            if status != 200:
                sys.exit(f"The dashboard query answered {status}: {body[:500]!r}\n{log.read_text()}")
            groups = json.loads(body)["data"]
            etag = headers["ETag"]
            again, not_modified, _ = fetch(port, {"If-None-Match": etag})
            if again != 304 or "ETag" not in not_modified:
                sys.exit(f"If-None-Match: {etag} answered {again}, not 304")
            print(f"records: {options.records:,}; query: {PATH}")
            print(
                f"answer: {len(groups)} groups x {len(groups[0]['values'])} weeks, "
                f"{len(body):,} bytes; ETag {etag}"
            )
            print(
                f"server: gunicorn, 2 sync workers; client: {options.client}, "
                f"{options.connections} connections, {options.seconds} s each"
            )
            runs = []
            for name, extra, expected in [
                ("cold (no If-None-Match)", {}, 200),
                ("If-None-Match (304)", {"If-None-Match": etag}, 304),
            ]:
                if options.client == "wrk":
                    run = with_wrk(name, port, extra, options.seconds, options.connections)
                else:
                    run = with_python(name, port, extra, options.seconds, options.connections, expected)
                print(run.line(), flush=True)
                runs.append(run)
                # Requests still queued at the server when the load generator stopped (a cold query
                # takes seconds) are served before the next run starts, not during it.
                time.sleep(max(1.0, 2 * max(run.latencies_ms.values()) / 1000))
            cold, conditional = runs
            print(f"ratio: {conditional.rate / cold.rate:.0f}x the requests per second with If-None-Match")


if __name__ == "__main__":
    main()
