#!/usr/bin/env bash
# Sets up and runs Stagecraft locally on the embedded SQLite database:
# virtualenv, requirements, migrations, demo data, an admin account, an API client (its token is
# printed), then the development server.
#   PORT=8000                 port to serve on (127.0.0.1 only)
#   ADMIN_PASSWORD=...        password for the "admin" account (otherwise one is generated and printed)
#   DATABASE_URL=...          use another database instead of ./db.sqlite3
#   SCHEDULER=0               don't run the scheduler (health checks, alert delivery) in the background
set -euo pipefail
cd "$(dirname "$0")"
source scripts/ensure_venv.sh

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-stagecraft.settings.development}"
PORT="${PORT:-8000}"
# Links in alert e-mails point at this server.
export STAGECRAFT_BASE_URL="${STAGECRAFT_BASE_URL:-http://127.0.0.1:${PORT}}"

python manage.py migrate --noinput
python manage.py load_demo_data
python manage.py load_demo_health_records
python manage.py load_demo_alerts
python manage.py run_periodic_schedule
python manage.py ensure_admin_user --username admin
# An API client with every permission; each run gives it a new token (only its hash is stored).
python manage.py create_api_client development --permission admin --permission create --permission signin \
    --permission user --if-exists new-token

# The scheduler, as the Procfile's: every minute it runs what is due (the health check every 10
# minutes, alert delivery every minute). Alert e-mails are printed here by the console e-mail backend;
# the scheduler's own "ran ..." lines are left out.
run_scheduler() {
    while sleep 60; do
        python manage.py run_periodic_schedule \
            | grep --line-buffered -v -E '^(ran|due|skipped) |^[0-9]+ ran, ' || true
    done
}
if [ "${SCHEDULER:-1}" = "1" ]; then
    run_scheduler &
    scheduler_pid=$!
    trap 'kill "$scheduler_pid" 2>/dev/null || true' EXIT
fi

echo "Stagecraft admin: http://127.0.0.1:${PORT}/admin/"
python manage.py runserver "127.0.0.1:${PORT}"
