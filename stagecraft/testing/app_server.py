"""Stagecraft run from the outside, against databases a test chooses (for example the real primary,
replica and PgBouncer of stagecraft/testing/postgres_cluster.py): its management commands in a
subprocess, and gunicorn serving it on a free port, as in production.

    environment = app_environment(DATABASE_URL=cluster.primary_url("x"), DATABASE_REPLICA_URL=...)
    manage(environment, "migrate", "--noinput")
    with serving(environment, log_path) as app:   # gunicorn, one sync worker
        answer = app.get("/data/a/b")           # Answer: status, headers, text, json()
        app.post_json("/data-sets", {...}, token="...")
        app.log_in("admin", password)           # the admin's login form; the session is kept

    site = deploy(environment, folder)          # migrate, an admin account and an API client:
    site.environment, site.admin_password, site.api_token

Each process gets the test settings (stagecraft.settings.test) and the environment given, not the
test run's own DATABASE_URL. Nothing here imports Stagecraft: any test may use it.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from .postgres_cluster import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
START_SECONDS = 60
# The test run's own settings that must not leak into the app under test.
LEFT_OUT = ("DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_POOLED", "DATABASE_CONN_MAX_AGE")


def app_environment(**variables: str) -> dict[str, str]:
    """The environment of a Stagecraft process: this one's, minus its database settings, plus these."""
    environment = {key: value for key, value in os.environ.items() if key not in LEFT_OUT}
    environment["DJANGO_SETTINGS_MODULE"] = "stagecraft.settings.test"
    environment.update(variables)
    return environment


def manage(environment: dict[str, str], *arguments: str) -> str:
    """Runs `manage.py <arguments>`; what it printed. Fails with its output when it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


@dataclass
class Site:
    """A migrated Stagecraft database with an admin account and an `admin` API client."""

    environment: dict[str, str]
    admin_password: str
    api_token: str


def deploy(environment: dict[str, str], folder: Path) -> Site:
    """Migrates the database of `environment` and adds the admin account `admin` and the API client
    `tests` (every permission), as a release would; the token is kept in `folder`."""
    manage(environment, "migrate", "--noinput")
    password = secrets.token_urlsafe(16)
    manage({**environment, "ADMIN_PASSWORD": password}, "ensure_admin_user", "--username", "admin")
    token_file = folder / "api-token"
    manage(
        environment, "create_api_client", "tests", "--permission", "admin", "--token-file", str(token_file)
    )
    return Site(environment, password, token_file.read_text().strip())


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to look at, not to follow."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class App:
    """An HTTP client of the served app, with its own cookies (a browser's session)."""

    def __init__(self, port: int, log: Path) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects()
        )

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())

    def get(self, path: str, token: str | None = None) -> Answer:
        return self.request("GET", path, headers=_authorised({}, token))

    def post_json(self, path: str, payload: object, token: str | None = None) -> Answer:
        headers = _authorised({"Content-Type": "application/json"}, token)
        return self.request("POST", path, json.dumps(payload).encode(), headers)

    def log_in(self, username: str, password: str) -> None:
        """Logs in through the admin's login form, as a person would."""
        form = self.get("/admin/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert csrf, f"no CSRF token on the login page:\n{form.text}"
        fields = {"username": username, "password": password, "csrfmiddlewaretoken": csrf.group(1)}
        answer = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            urllib.parse.urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status == 302, f"the login failed ({answer.status}):\n{answer.text}\n{self.log_text()}"

    def log_text(self) -> str:
        return self.log.read_text()


def _authorised(headers: dict[str, str], token: str | None) -> dict[str, str]:
    return {**headers, "Authorization": f"Bearer {token}"} if token else headers


@contextmanager
def serving(
    environment: dict[str, str], log: Path, workers: int = 1, access_log: bool = True
) -> Iterator[App]:
    """gunicorn serving Stagecraft in this environment (sync workers, its log in `log`) until the
    block ends."""
    port = free_port()
    with log.open("ab") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "stagecraft.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                *(["--access-logfile=-"] if access_log else []),
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    app = App(port, log)
    try:
        _wait_for(app, server)
        yield app
    finally:
        server.terminate()
        server.wait(timeout=START_SECONDS)


def _wait_for(app: App, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{app.log_text()}")
        try:
            if app.get("/_status").status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"gunicorn did not answer within {START_SECONDS} s:\n{app.log_text()}")
        time.sleep(0.1)
