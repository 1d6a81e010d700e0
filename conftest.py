"""Fixtures shared by every test: a fixed cast of people, in the house style."""

import pytest


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("alice", "alice@example.org", "password")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# The API's cast of clients and its OpenAPI-checking test client; the check that no test's logs
# hold a secret (token, password, session id).
pytest_plugins = ["stagecraft.testing.api", "stagecraft.testing.log_secrets"]
