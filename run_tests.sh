#!/usr/bin/env bash
# Sets up and runs every check: ruff (lint and format), the import contracts (.importlinter), mypy,
# the dependency audit (pip-audit over the pinned requirements), Django's system checks, a check that
# no migration is missing, and the pytest suite (including the browser test when Chromium is there)
# with branch coverage and its floor (pyproject.toml).
# django-stockandflow (packages/django-stockandflow) gets the same checks with its own settings, its
# own pytest run and coverage floor, and a check that its wheel installs and runs next to Django alone.
# The two test suites and the wheel check all run, even when one fails, and the script fails if any did.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/stagecraft   run against PostgreSQL (default: SQLite)
#   INSTALL_CHROMIUM=0        don't try to apt-get install chromium for the browser test
#   INSTALL_PGBOUNCER=0       don't try to apt-get install pgbouncer for the real-engine tests
#                             (stagecraft/tests/scale_out: PostgreSQL runs only)
#   AUDIT_DEPENDENCIES=0      skip the dependency audit (it needs PyPI's JSON API or OSV)
#   Extra arguments are passed to Stagecraft's pytest, e.g. ./run_tests.sh -k data_set, or after
#   `stockandflow` to the package's: ./run_tests.sh stockandflow -k openmetrics (coverage is then
#   not measured and the wheel is not checked)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/ensure_venv.sh

export DJANGO_SETTINGS_MODULE=stagecraft.settings.test

if [ "${INSTALL_CHROMIUM:-1}" = "1" ] && ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's chromium for the browser test" >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
            || echo "Could not install chromium: the browser test will be skipped." >&2
    else
        echo "chromium is not installed and can't be installed here: the browser test will be skipped." >&2
    fi
fi

# The tests with a real primary, replica and PgBouncer (stagecraft/testing/postgres_cluster.py) run
# in the PostgreSQL run; without pgbouncer its tests are skipped, saying why.
if [ "${INSTALL_PGBOUNCER:-1}" = "1" ] && [[ "${DATABASE_URL:-}" == postgres* ]] \
    && ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's pgbouncer for the real-engine tests" >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null) \
            || echo "Could not install pgbouncer: the PgBouncer tests will be skipped." >&2
    else
        echo "pgbouncer is not installed and can't be installed here: the PgBouncer tests will be skipped." >&2
    fi
fi

python scripts/ensure_database.py

PACKAGE=packages/django-stockandflow

echo "== ruff (Stagecraft and $PACKAGE, each with its own pyproject.toml)" >&2
ruff check .
ruff format --check .
echo "== import contracts" >&2
lint-imports
echo "== mypy" >&2
mypy
echo "== mypy ($PACKAGE, with its test settings; its example with its own)" >&2
(cd "$PACKAGE" && PYTHONPATH=. mypy)
(cd "$PACKAGE/example" && PYTHONPATH=. mypy --config-file mypy.ini)
echo "== dependency audit (pip-audit)" >&2
# Fails on a known vulnerability that has a fix; says so, without failing, when it can't reach the
# vulnerability data (scripts/audit_dependencies.py).
python scripts/audit_dependencies.py
echo "== manage.py check" >&2
python manage.py check --fail-level WARNING
echo "== makemigrations --check" >&2
python manage.py makemigrations --check --dry-run
(cd "$PACKAGE/example" && DJANGO_SETTINGS_MODULE=example_site.settings EXAMPLE_DATABASE=:memory: \
    python manage.py makemigrations --check --dry-run)

if [ "${1:-}" = "stockandflow" ]; then
    shift
    echo "== pytest $PACKAGE (database: ${DATABASE_URL:-sqlite default})" >&2
    cd "$PACKAGE" && DJANGO_SETTINGS_MODULE=tests.settings exec python -m pytest "$@"
elif [ "$#" -gt 0 ]; then
    echo "== pytest (database: ${DATABASE_URL:-sqlite default})" >&2
    exec python -m pytest "$@"
fi

# The whole run: each suite measures its branch coverage and fails under its own floor (its
# pyproject.toml). Every step runs; the failures are listed at the end.
failed=()
echo "== pytest Stagecraft (database: ${DATABASE_URL:-sqlite default})" >&2
python -m pytest --cov --cov-report=term:skip-covered || failed+=("pytest Stagecraft")
echo "== pytest $PACKAGE, its own settings (database: ${DATABASE_URL:-sqlite default})" >&2
(cd "$PACKAGE" && DJANGO_SETTINGS_MODULE=tests.settings python -m pytest --cov --cov-report=term:skip-covered) \
    || failed+=("pytest $PACKAGE")
echo "== $PACKAGE: the wheel in a virtualenv holding only Django" >&2
python "$PACKAGE/scripts/check_wheel.py" || failed+=("the wheel of $PACKAGE")
if [ "${#failed[@]}" -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
