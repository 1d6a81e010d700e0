#!/usr/bin/env bash
# Sets up and runs Stagecraft locally on the embedded SQLite database:
# virtualenv, requirements, migrations, demo data, an admin account, then the development server.
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
python manage.py ensure_admin_user --username admin
echo "Stagecraft admin: http://127.0.0.1:${PORT}/admin/"
exec python manage.py runserver "127.0.0.1:${PORT}"
