"""Build django-stockandflow's wheel and prove it works on its own.

    python packages/django-stockandflow/scripts/check_wheel.py   (run by the repository's run_tests.sh)

1. Builds the wheel from a copy of the package folder (`pip wheel`, with the flit_core of the running
   Python: no download), and checks what it holds (templates, migrations, py.typed; no tests).
2. Creates a virtualenv holding only Django (the version of the running Python, or the requirement in
   WHEEL_CHECK_DJANGO, e.g. "Django==4.2.*"; from pip's cache or the index: the one download),
   installs the wheel into it without the index and runs `pip check`.
3. Runs the example project from a copy, on that virtualenv: `check`, `migrate`, `load_sample_leads`,
   `run_periodic_schedule`, then fetches the reports, the feeds, the stock-and-flow admin site and the
   OpenMetrics endpoint with Django's test client.
Exits non-zero, saying which step failed. KEEP_WHEEL_CHECK=1 keeps the temporary folder.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import django

PACKAGE = Path(__file__).resolve().parent.parent
IGNORED = shutil.ignore_patterns(
    "build", "dist", "*.egg-info", "__pycache__", ".mypy_cache", "*.sqlite3", ".coverage"
)

FETCH = """
from django.test.utils import setup_test_environment
setup_test_environment()
import stockandflow
from django.contrib.auth import get_user_model
from django.test import Client

assert "site-packages" in stockandflow.__file__, stockandflow.__file__
staff = Client()
staff.force_login(get_user_model().objects.get(username="admin"))
pages = {
    "/metrics/": "Sales leads",
    "/metrics/leads/?days=14": "Mean time in the stock",
    "/metrics/processes/leads.json?days=14": '"conversions"',
    "/metrics/flows/cooling.json": '"history"',
    "/metrics/stocks/cold.json": '"history"',
    "/stockandflow-admin/": "Stock: Hot leads",
    "/stockandflow-admin/stockandflow_admin/flow_cooling/?facet-team=north": "Cooling",
    "/metrics/openmetrics": "# EOF",
}
for url, expected in pages.items():
    response = staff.get(url)
    body = response.content.decode()
    assert response.status_code == 200, (url, response.status_code, body[:500])
    assert expected in body, (url, expected, body[:500])
token = {"Authorization": "Bearer example-scraper-token-known-to-everyone"}
scraper = Client().get("/metrics/openmetrics", headers=token)
assert scraper.status_code == 200, scraper.status_code
assert 'stockandflow_stock_members{stock="cold"}' in scraper.content.decode()
assert Client().get("/metrics/openmetrics").status_code == 401
print(f"fetched {len(pages) + 2} pages with", stockandflow.__file__)
"""


def step(title: str, command: list[str], **kwargs) -> str:
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.stderr.write(f"FAILED: {title}\n$ {' '.join(command)}\n{result.stdout}{result.stderr}")
        raise SystemExit(1)
    print(f"  {title} ({time.monotonic() - started:.1f}s)", file=sys.stderr)
    return result.stdout


def check_contents(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    wanted = [
        "stockandflow/py.typed",
        "stockandflow/migrations/0001_initial.py",
        "stockandflow/templates/stockandflow/process.html",
        "stockandflow/templates/stockandflow/admin/change_list.html",
        "stockandflow/management/commands/run_periodic_schedule.py",
    ]
    missing = [name for name in wanted if name not in names]
    strays = [name for name in names if not name.startswith(("stockandflow/", "django_stockandflow-"))]
    if missing or strays:
        sys.stderr.write(f"FAILED: the wheel's contents: missing {missing}, not ours {strays}\n")
        raise SystemExit(1)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="stockandflow-wheel-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV")
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    try:
        shutil.copytree(PACKAGE, work / "package", ignore=IGNORED)
        step(
            "pip wheel (no build isolation: nothing downloaded)",
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
             "--wheel-dir", str(work / "dist"), str(work / "package")],
            env=env,
        )  # fmt: skip
        (wheel,) = (work / "dist").glob("django_stockandflow-*.whl")
        check_contents(wheel)
        venv = work / "venv"
        # Without a pip of its own: this Python's pip installs into it (--python), so it holds nothing else.
        step("a fresh virtualenv", [sys.executable, "-m", "venv", "--without-pip", str(venv)], env=env)
        python = str(venv / "bin" / "python")
        pip = [sys.executable, "-m", "pip", "--python", python]
        wanted = os.environ.get("WHEEL_CHECK_DJANGO") or f"Django=={django.__version__}"
        step(f"pip install {wanted}", [*pip, "install", "--quiet", wanted], env=env)
        step(
            f"pip install {wheel.name} (no index)",
            [*pip, "install", "--quiet", "--no-index", str(wheel)],
            env=env,
        )
        step("pip check", [*pip, "check"], env=env)
        listed = json.loads(step("pip list", [*pip, "list", "--format=json"], env=env))
        installed = {package["name"].lower() for package in listed}
        if installed != {"asgiref", "django", "django-stockandflow", "sqlparse"}:
            sys.stderr.write(
                f"FAILED: the virtualenv holds more than Django and the wheel: {sorted(installed)}\n"
            )
            return 1
        shutil.copytree(PACKAGE / "example", work / "example", ignore=IGNORED)
        manage = [python, str(work / "example" / "manage.py")]
        example_env = {**env, "EXAMPLE_DATABASE": str(work / "example.sqlite3")}
        run = {"env": example_env, "cwd": str(work)}
        step("manage.py check", [*manage, "check", "--fail-level", "WARNING"], **run)
        step("manage.py migrate", [*manage, "migrate", "--no-input"], **run)
        step("manage.py load_sample_leads", [*manage, "load_sample_leads", "--days", "14"], **run)
        step("manage.py run_periodic_schedule", [*manage, "run_periodic_schedule"], **run)
        fetched = step(
            "the reports, feeds, admin site and OpenMetrics", [*manage, "shell", "-c", FETCH], **run
        )
        print("  " + fetched.strip().splitlines()[-1], file=sys.stderr)
    finally:
        if os.environ.get("KEEP_WHEEL_CHECK") == "1":
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(
        "django-stockandflow: the wheel installs next to Django alone and runs the example.", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
