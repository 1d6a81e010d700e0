#!/usr/bin/env bash
# Runs a benchmark against PostgreSQL, each in a database of its own (created and migrated if missing):
#   ./bench/run.sh api_list | ingest_records | query_records | migrate_data_set | stock_counts | upload_records
#                  | check_schema | trash_records | http_reads  [args...]
# BENCH_DATABASE_URL=postgres://user@host:5432  chooses the server (default: 127.0.0.1:5432, user postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

name="${1:-}"
if [ -z "$name" ] || [ ! -f "bench/$name.py" ]; then
    echo "usage: ./bench/run.sh {api_list|ingest_records|query_records|migrate_data_set|stock_counts|upload_records|check_schema|trash_records|http_reads} [args]" >&2
    exit 2
fi
shift

source scripts/ensure_venv.sh
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432}/stagecraft_bench_${name}"
python scripts/ensure_database.py
DJANGO_SETTINGS_MODULE=stagecraft.settings.development python manage.py migrate --noinput -v0
exec python "bench/$name.py" "$@"
