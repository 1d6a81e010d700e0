"""Shared test support, registered for every test:
- stagecraft/testing/cast.py: the fixed cast, in the house style (people: `admin_user`, `writer`,
  `outsider` and their logged-in test clients; API clients: `cast`);
- stagecraft/testing/api.py: the configuration API's test client (`api`), checked against the OpenAPI
  document;
- stagecraft/testing/log_secrets.py: fails a test whose logs hold a secret it made;
- stagecraft/testing/browser.py: a real browser (`page`: Playwright driving Chromium) for the browser
  tests.
Plain helpers that tests import: stagecraft/testing/clock.py (pinning the clock) and
stagecraft/testing/commands.py (running management commands)."""

pytest_plugins = [
    "stagecraft.testing.cast",
    "stagecraft.testing.api",
    "stagecraft.testing.log_secrets",
    "stagecraft.testing.browser",
]
