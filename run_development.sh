#!/usr/bin/env bash
# Sets up and runs Stagecraft locally on the embedded SQLite database:
# virtualenv, requirements, migrations, demo data, an admin account, an API client (its token is
# printed), then the development server.
#   PORT=8000                 port to serve on (127.0.0.1 only)
#   ADMIN_PASSWORD=...        password for the "admin" account (otherwise one is generated and printed)
#   DATABASE_URL=...          use another database instead of ./db.sqlite3
set -euo pipefail
cd "$(dirname "$0")"
source scripts/ensure_venv.sh

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-stagecraft.settings.development}"
PORT="${PORT:-8000}"

python manage.py migrate --noinput
python manage.py load_demo_data
python manage.py load_demo_health_records
python manage.py run_periodic_schedule
python manage.py ensure_admin_user --username admin
# An API client with every permission; each run gives it a new token (only its hash is stored).
python manage.py create_api_client development --permission admin --permission create --permission signin \
    --permission user --if-exists new-token
echo "Stagecraft admin: http://127.0.0.1:${PORT}/admin/"
exec python manage.py runserver "127.0.0.1:${PORT}"
