"""The production settings: `check --deploy` clean with only the required variables, and the switches
they document (HSTS, the proxy header, trusted proxies) doing what they say."""

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent

PRINT_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.STAGECRAFT_TRUSTED_PROXIES)"
)


def manage(tmp_path: Path, *args: str, **variables: str | None) -> subprocess.CompletedProcess:
    """manage.py under the production settings, in a clean environment: only the required variables
    (and PATH), plus `variables` (None removes one)."""
    env: dict[str, str | None] = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "stagecraft.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "stagecraft.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **variables,
    }
    clean = {name: value for name, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_only_the_required_variables(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_without_a_secret_key_production_refuses_to_start(tmp_path):
    result = manage(tmp_path, "check", SECRET_KEY=None)

    assert result.returncode == 1
    assert "ImproperlyConfigured: Set the environment variable SECRET_KEY." in result.stderr


def test_hsts_is_a_year_and_the_proxy_header_is_believed_only_when_asked(tmp_path):
    default = manage(tmp_path, "shell", "-c", PRINT_SETTINGS)
    assert default.stdout.strip().splitlines()[-1] == "31536000 None []"

    trying = manage(
        tmp_path,
        "shell",
        "-c",
        PRINT_SETTINGS,
        SECURE_HSTS_SECONDS="300",
        STAGECRAFT_BEHIND_HTTPS_PROXY="true",
        STAGECRAFT_TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.1",
    )
    assert (
        trying.stdout.strip().splitlines()[-1]
        == "300 ('HTTP_X_FORWARDED_PROTO', 'https') ['10.0.0.0/8', '192.0.2.1']"
    )


def test_a_bad_trusted_proxy_is_named(tmp_path):
    result = manage(tmp_path, "check", STAGECRAFT_TRUSTED_PROXIES="10.0.0.0/8,proxy.example.org")

    assert result.returncode == 1
    assert (
        "STAGECRAFT_TRUSTED_PROXIES must list IP addresses or networks separated by commas; "
        "'proxy.example.org' is neither."
    ) in result.stderr


@pytest.fixture
def production(monkeypatch):
    """The production settings module, read with a secret key set."""
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    return importlib.import_module("stagecraft.settings.production")


@pytest.mark.parametrize(
    ("path", "status"), [("/_status", 200), ("/_status/data-sets", 200), ("/admin/", 301)]
)
def test_plain_http_is_redirected_to_https_except_the_health_checks(client, db, production, path, status):
    with override_settings(
        SECURE_SSL_REDIRECT=production.SECURE_SSL_REDIRECT,
        SECURE_REDIRECT_EXEMPT=production.SECURE_REDIRECT_EXEMPT,
    ):
        response = client.get(path)

    assert response.status_code == status
    if status == 301:
        assert response["Location"] == f"https://testserver{path}"


def test_https_responses_carry_hsts(client, db, production):
    with override_settings(
        SECURE_HSTS_SECONDS=production.SECURE_HSTS_SECONDS,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=production.SECURE_HSTS_INCLUDE_SUBDOMAINS,
        SECURE_HSTS_PRELOAD=production.SECURE_HSTS_PRELOAD,
    ):
        response = client.get("/_status", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
