import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from stagecraft.apps.apiclients.clients import create_client, replace_token
from stagecraft.apps.apiclients.models import ApiClient
from stagecraft.testing.clock import pin_clock

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_it_stores_only_a_hash_of_the_token():
    client, token = create_client("backdrop", ["admin"])
    stored = ApiClient.objects.get()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiClient.objects.values().get())
    assert len(token) >= 40


def test_it_authenticates_active_clients_only():
    client, token = create_client("backdrop", ["signin"])
    assert ApiClient.objects.authenticate(token) == client
    assert ApiClient.objects.authenticate(token + "x") is None
    assert ApiClient.objects.authenticate("") is None
    client.is_active = False
    client.save()
    assert ApiClient.objects.authenticate(token) is None


def test_a_new_token_replaces_the_old_one():
    client, old = create_client("backdrop", ["signin"])
    new = replace_token(client)
    assert new != old
    assert ApiClient.objects.authenticate(old) is None
    assert ApiClient.objects.authenticate(new) == client


def test_admin_implies_every_permission():
    client, _ = create_client("backdrop", ["admin"])
    assert all(client.has_permission(p) for p in ("signin", "user", "create", "admin"))
    reader, _ = create_client("reader", ["signin"])
    assert reader.has_permission("signin")
    assert not reader.has_permission("create")


def test_it_refuses_unknown_permissions_and_duplicate_names():
    with pytest.raises(ValidationError, match="Unknown permissions: omniscient"):
        create_client("x", ["omniscient"])
    create_client("x", ["signin"])
    with pytest.raises(ValidationError, match="already exists"):
        create_client("x", ["signin"])
    assert ApiClient.objects.count() == 1


def test_it_records_last_use_at_most_once_a_minute(django_assert_num_queries):
    client, _ = create_client("backdrop", ["signin"])
    with pin_clock(NOW), django_assert_num_queries(1):
        client.touch()
    with pin_clock(NOW + timedelta(seconds=30)), django_assert_num_queries(0):
        client.touch()
    assert ApiClient.objects.get().last_used == NOW
    with pin_clock(NOW + timedelta(minutes=2)):
        client.touch()
    assert ApiClient.objects.get().last_used == NOW + timedelta(minutes=2)
