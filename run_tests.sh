#!/usr/bin/env bash
# Sets up and runs every check: ruff (lint and format), the import contracts (.importlinter), mypy,
# the dependency audit (pip-audit over the pinned requirements), Django's system checks, a check that
# no migration is missing, and the pytest suite (including the browser test when Chromium is there)
# with branch coverage and its floor (pyproject.toml).
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/stagecraft   run against PostgreSQL (default: SQLite)
#   INSTALL_CHROMIUM=0        don't try to apt-get install chromium for the browser test
#   AUDIT_DEPENDENCIES=0      skip the dependency audit (it needs PyPI's JSON API or OSV)
#   Extra arguments are passed to pytest, e.g. ./run_tests.sh -k data_set (coverage is then not measured)
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

python scripts/ensure_database.py

echo "== ruff" >&2
ruff check .
ruff format --check .
echo "== import contracts" >&2
lint-imports
echo "== mypy" >&2
mypy
echo "== dependency audit (pip-audit)" >&2
# Fails on a known vulnerability that has a fix; says so, without failing, when it can't reach the
# vulnerability data (scripts/audit_dependencies.py).
python scripts/audit_dependencies.py
echo "== manage.py check" >&2
python manage.py check --fail-level WARNING
echo "== makemigrations --check" >&2
python manage.py makemigrations --check --dry-run
echo "== pytest (database: ${DATABASE_URL:-sqlite default})" >&2
if [ "$#" -eq 0 ]; then
    # The whole suite: measure branch coverage and fail under the floor in pyproject.toml.
    python -m pytest --cov --cov-report=term:skip-covered
else
    python -m pytest "$@"
fi
