"""Shared test support, registered for every test:
- stagecraft/testing/cast.py: the fixed cast, in the house style (people: `admin_user`, `writer`,
  `outsider` and their logged-in test clients; API clients: `cast`);
- stagecraft/testing/api.py: the configuration API's test client (`api`), checked against the OpenAPI
  document;
- stagecraft/testing/log_secrets.py: fails a test whose logs hold a secret it made;
- stagecraft/testing/browser.py: a real browser (`page`: Playwright driving Chromium) for the browser
  tests;
- stagecraft/testing/postgres_cluster.py: real database servers for the whole run (`postgres_cluster`:
  a PostgreSQL primary and a streaming replica; `pgbouncer`: PgBouncer in transaction pooling mode).
Plain helpers that tests import: stagecraft/testing/clock.py (pinning the clock),
stagecraft/testing/commands.py (running management commands) and stagecraft/testing/app_server.py
(Stagecraft in subprocesses, gunicorn serving it, against the databases a test chooses)."""

pytest_plugins = [
    "stagecraft.testing.cast",
    "stagecraft.testing.api",
    "stagecraft.testing.log_secrets",
    "stagecraft.testing.browser",
    "stagecraft.testing.postgres_cluster",
]
