#!/usr/bin/env bash
# Sets up and runs Stagecraft locally on the embedded SQLite database:
# virtualenv, requirements, migrations, demo data, an admin account, an API client, then the
# development server. Ends with one framed block: the addresses, the admin's user name and password,
# the API token and a curl line to try.
#   ./run_development.sh --rotate-token   give the development API client a new token
#   PORT=8000                 port to serve on (127.0.0.1 only)
#   ADMIN_PASSWORD=...        password for the "admin" account, new or existing (remembered for later runs)
#   DATABASE_URL=...          use another database instead of ./db.sqlite3
#   SCHEDULER=0               don't run the scheduler (health checks, alert delivery) in the background
# The admin's password and the API token are kept in .development/ (git-ignored, readable by you
# only), so they stay the same from run to run.
set -euo pipefail
cd "$(dirname "$0")"

rotate_token=0
for argument in "$@"; do
    case "$argument" in
        --rotate-token) rotate_token=1 ;;
        -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown argument: $argument (try --help)" >&2; exit 2 ;;
    esac
done

source scripts/ensure_venv.sh

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-stagecraft.settings.development}"
PORT="${PORT:-8000}"
BASE="http://127.0.0.1:${PORT}"
# Links in alert e-mails point at this server.
export STAGECRAFT_BASE_URL="${STAGECRAFT_BASE_URL:-$BASE}"
# Our own block below says that this is the development server.
export DJANGO_RUNSERVER_HIDE_WARNING=true

local_dir=.development
password_file="$local_dir/admin-password"
token_file="$local_dir/api-token"
setup_log="$local_dir/setup.log"
mkdir -p "$local_dir"
chmod 700 "$local_dir"
if [ "$rotate_token" = "1" ]; then
    rm -f "$token_file"
fi
if [ -n "${ADMIN_PASSWORD:-}" ]; then
    (umask 077 && printf '%s\n' "$ADMIN_PASSWORD" > "$password_file")
elif [ ! -s "$password_file" ]; then
    (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(12))' > "$password_file")
fi
admin_password="$(cat "$password_file")"

echo "Preparing the database: migrations, demo data, the admin account, the API client (log: $setup_log)"
{
    python manage.py migrate --noinput
    python manage.py load_demo_data
    python manage.py load_demo_health_records
    python manage.py load_demo_alerts
    python manage.py run_periodic_schedule
    ADMIN_PASSWORD="$admin_password" python manage.py ensure_admin_user --username admin
    # An API client with every permission, whose token is kept in $token_file (only its hash is stored).
    python manage.py create_api_client development --permission admin --permission create \
        --permission signin --permission user --if-exists new-token --token-file "$token_file"
} > "$setup_log"
token="$(cat "$token_file")"

# The scheduler, as the Procfile's: every minute it runs what is due (the health check every 10
# minutes, alert delivery every minute). Alert e-mails are printed here by the console e-mail backend;
# the scheduler's own "ran ..." lines are left out.
run_scheduler() {
    while sleep 60; do
        python manage.py run_periodic_schedule \
            | grep --line-buffered -v -E '^(ran|due|skipped) |^[0-9]+ ran, ' || true
    done
}

# Printed once the server listens, so that it comes after Django's own start-up lines.
print_welcome() {
    local line="==========================================================================================="
    cat <<EOF

$line
  Stagecraft is running (development server; Ctrl-C stops it)

  Admin       $BASE/admin/
              user name: admin   password: $admin_password
  API token   $token
              (API client "development", every permission; kept in $token_file:
               ./run_development.sh --rotate-token for a new one)
  API docs    $BASE/api/docs

  Try the API:
  curl -H "Authorization: Bearer $token" "$BASE/data-groups"
$line

EOF
}
wait_then_welcome() {
    # A bare connection (no request), so that the server logs nothing for it.
    for _ in $(seq 1 600); do
        if (: < "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
            print_welcome
            return
        fi
        sleep 0.2
    done
}

background=()
if [ "${SCHEDULER:-1}" = "1" ]; then
    run_scheduler &
    background+=("$!")
fi
wait_then_welcome &
background+=("$!")
trap 'kill "${background[@]}" 2>/dev/null || true' EXIT

python manage.py runserver "127.0.0.1:${PORT}"
