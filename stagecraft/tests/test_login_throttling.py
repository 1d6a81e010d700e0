"""Admin logins are throttled per user name and address (django-axes, settings in settings/base.py):
the lockout, what resets it, how an admin unlocks it, and the log of attempts."""

import datetime

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from stagecraft.testing.commands import run

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/?next=/admin/"
ADDRESS = "203.0.113.9"
PASSWORD = "the-right-password"
AccessAttempt = apps.get_model("axes", "AccessAttempt")


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_superuser("alice", "alice@example.org", PASSWORD)


def log_in(client, password: str, username: str = "alice", address: str = ADDRESS):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_until_locked_out(client, username: str = "alice", address: str = ADDRESS):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "a-wrong-password", username, address).status_code == 200
    return log_in(client, "a-wrong-password", username, address)


def test_it_locks_a_user_name_out_from_an_address_after_the_failure_limit(client, alice):
    response = fail_until_locked_out(client)

    assert settings.AXES_FAILURE_LIMIT == 5
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins for <strong>alice</strong> from your address" in page
    assert "refused for\n    15 minutes" in page
    assert "manage.py axes_reset_username alice" in page

    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert AccessAttempt.objects.get().failures_since_start == 6


def test_the_lockout_holds_only_that_user_name_from_that_address(client, alice, django_user_model):
    django_user_model.objects.create_superuser("bob", "bob@example.org", PASSWORD)
    fail_until_locked_out(client)

    assert log_in(client, "a-wrong-password", username="bob").status_code == 200
    assert log_in(client, PASSWORD, address="198.51.100.7").status_code == 302
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_a_successful_login_resets_the_count(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "a-wrong-password")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "a-wrong-password").status_code == 200
    assert log_in(client, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cooling_off_period(client, alice):
    fail_until_locked_out(client)

    locked_at = datetime.datetime.now(tz=datetime.UTC)

    with time_machine.travel(locked_at + datetime.timedelta(minutes=14)):
        assert log_in(client, PASSWORD).status_code == 429
    # Each attempt during the lockout starts the wait again.
    with time_machine.travel(locked_at + datetime.timedelta(minutes=28)):
        assert log_in(client, PASSWORD).status_code == 429
    with time_machine.travel(locked_at + datetime.timedelta(minutes=44)):
        assert log_in(client, PASSWORD).status_code == 302


def test_an_admin_unlocks_a_login_from_the_admin(client, alice, django_user_model):
    fail_until_locked_out(client)
    attempt = AccessAttempt.objects.get()
    admin_client = Client()
    admin_client.force_login(django_user_model.objects.create_superuser("bob", "bob@example.org", PASSWORD))

    page = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert "alice" in page.content.decode()
    assert ADDRESS in page.content.decode()
    response = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert log_in(client, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "command",
    [
        "axes_reset_username alice",
        f"axes_reset_ip_username {ADDRESS} alice",
        f"axes_reset_ip {ADDRESS}",
        "axes_reset",
    ],
)
def test_the_axes_commands_unlock_a_login(client, alice, command):
    fail_until_locked_out(client)

    out, _ = run(command)

    assert "1 attempts removed." in out
    assert log_in(client, PASSWORD).status_code == 302


def test_the_attempts_are_logged_with_the_user_name_and_the_address(client, alice, secrets_and_logs):
    fail_until_locked_out(client)

    lines = [text for logger, _, text in secrets_and_logs.records if logger.startswith("axes")]
    assert any('New login failure by {username: "alice", ip_address: "203.0.113.9"' in line for line in lines)
    assert any(
        line.startswith('AXES: Locking out {username: "alice", ip_address: "203.0.113.9"') for line in lines
    )
