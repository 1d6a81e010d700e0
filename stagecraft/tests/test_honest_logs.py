"""The logs name who really called (the authenticated client, the connection's address) and never a
secret; repeated refused tokens from one address are logged. The check over the whole suite's logs
is the plugin stagecraft/testing/log_secrets.py; its own tests are here too."""

import json
import logging

import pytest
from django.core.cache import cache
from django.test import override_settings

from stagecraft.apps.apiclients.services import ADMIN, create_client
from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.libs import refusals

pytestmark = pytest.mark.django_db

TOKEN = "a-long-data-set-token-0123456789"
RECORD = {"_timestamp": "2014-01-20T10:00:00Z", "count": 1}


@pytest.fixture
def data_set():
    return DataSetFactory(data_group__name="carers-allowance", data_type__name="journey", bearer_token=TOKEN)


@pytest.fixture(autouse=True)
def _no_refusals_counted_yet():
    cache.clear()
    yield
    cache.clear()


def lines(secrets_and_logs, prefix: str = "stagecraft") -> list[str]:
    return [text for logger, _, text in secrets_and_logs.records if logger.startswith(prefix)]


def write(client, token: str = TOKEN, **headers):
    return client.post(
        "/data/carers-allowance/journey",
        json.dumps(RECORD),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **headers,
    )


def test_a_spoofed_forwarded_for_and_user_agent_are_not_the_caller(client, data_set, secrets_and_logs):
    response = write(client, HTTP_X_FORWARDED_FOR="6.6.6.6", HTTP_USER_AGENT="spoofed-agent")

    assert response.status_code == 200
    assert lines(secrets_and_logs) == [
        "POST carers_allowance_journey: stored records, count=1, "
        "caller=the data set's token from 127.0.0.1, user_agent='spoofed-agent'"
    ]


@override_settings(STAGECRAFT_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_the_forwarded_address_is_the_callers(client, data_set, secrets_and_logs):
    write(client, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")

    (line,) = lines(secrets_and_logs)
    assert "caller=the data set's token from 198.51.100.7," in line


def test_a_user_agent_cant_add_a_line_to_the_log(client, data_set, secrets_and_logs):
    write(client, HTTP_USER_AGENT="collector\nPOST forged: stored records")

    (line,) = lines(secrets_and_logs)
    assert "\n" not in line
    assert line.endswith("user_agent='collector\\nPOST forged: stored records'")


def test_the_configuration_api_logs_the_clients_name(client, secrets_and_logs):
    _, token = create_client("collector-ga", [ADMIN])

    response = client.post(
        "/data-groups",
        json.dumps({"name": "new-service"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 201
    assert lines(secrets_and_logs) == [
        "POST /data-groups: answered 201, caller=API client 'collector-ga' from 127.0.0.1"
    ]


@override_settings(STAGECRAFT_COLLECTION_ENDPOINT_TOKEN="the-collection-endpoint-token")
def test_the_collection_endpoint_logs_its_token_as_the_caller(client, data_set, secrets_and_logs):
    response = client.delete(
        f"/data-sets/{data_set.name}", HTTP_AUTHORIZATION="Bearer the-collection-endpoint-token"
    )

    assert response.status_code == 200
    assert lines(secrets_and_logs) == [
        "DELETE carers_allowance_journey: dropped the collection, records moved to the trash, count=0, "
        "caller=the collection endpoint token from 127.0.0.1"
    ]


@override_settings(STAGECRAFT_REFUSED_TOKEN_WARNING_COUNT=3, STAGECRAFT_REFUSED_TOKEN_WINDOW_SECONDS=60)
def test_repeated_refused_tokens_from_one_address_are_logged(client, data_set, secrets_and_logs):
    guesser = {"REMOTE_ADDR": "198.51.100.7"}
    for guess in range(4):
        assert write(client, token=f"guess-{guess}", **guesser).status_code == 401
    assert client.get("/data-sets", HTTP_AUTHORIZATION="Bearer guess-5", **guesser).status_code == 401
    assert client.get("/data-sets", **guesser).status_code == 401
    # Another address has its own count.
    assert write(client, token="wrong", REMOTE_ADDR="203.0.113.9").status_code == 401

    warnings = [text for logger, level, text in secrets_and_logs.records if level == "WARNING"]
    assert [w for w in warnings if w.startswith("3 requests") or w.startswith("6 requests")] == [
        "3 requests refused for a missing or wrong bearer token from address 198.51.100.7 within 60 seconds "
        "(the latest: POST '/data/carers-allowance/journey', refused by data set carers_allowance_journey)",
        "6 requests refused for a missing or wrong bearer token from address 198.51.100.7 within 60 seconds "
        "(the latest: GET '/data-sets', refused by the configuration API)",
    ]
    assert not any("203.0.113.9" in warning for warning in warnings)


def test_no_secret_reaches_the_log_on_the_usual_paths(client, data_set, secrets_and_logs, django_user_model):
    """The plugin checks this for every test; here every kind of secret meets every logging path."""
    _, api_token = create_client("collector-ga", [ADMIN])
    django_user_model.objects.create_superuser("alice", "alice@example.org", "alices-password-123")

    write(client)
    write(client, token=api_token)
    client.post(
        "/data-groups",
        json.dumps({"name": "new-service"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token}",
    )
    client.get("/data-sets", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    client.post("/admin/login/", {"username": "alice", "password": "not-alices-password"})
    client.post("/admin/login/", {"username": "alice", "password": "alices-password-123"})
    client.get("/admin/logout/")

    kinds = set(secrets_and_logs.secrets.values())
    assert {"API client token", "data-set bearer token", "password", "session id"} <= kinds
    assert len(lines(secrets_and_logs, "")) >= 5
    assert secrets_and_logs.leaks() == []


@pytest.mark.parametrize("kind", ["API client token", "data-set bearer token", "password", "session id"])
def test_the_plugin_catches_each_kind_of_secret_in_a_log(client, secrets_and_logs, django_user_model, kind):
    secret = {
        "API client token": lambda: create_client("leaky", [ADMIN])[1],
        "data-set bearer token": lambda: DataSetFactory(bearer_token="leaked-data-set-token").bearer_token,
        "password": lambda: django_user_model.objects.create_user("bob", password="bobs-password")
        and "bobs-password",
        "session id": lambda: client.force_login(django_user_model.objects.create_user("carol"))
        or client.session.session_key,
    }[kind]()

    logging.getLogger("stagecraft.anywhere").error("Something went wrong near %s", secret)

    (leak,) = secrets_and_logs.leaks()
    assert (leak.logger, leak.level, leak.kind) == ("stagecraft.anywhere", "ERROR", kind)
    secrets_and_logs.clear()  # this test's leak is on purpose


def test_the_plugin_reads_tracebacks_too(secrets_and_logs):
    _, token = create_client("leaky", [ADMIN])
    try:
        raise ValueError(f"bad token {token}")
    except ValueError:
        logging.getLogger("stagecraft.anywhere").exception("It failed")

    assert [leak.kind for leak in secrets_and_logs.leaks()] == ["API client token"]
    secrets_and_logs.clear()


def test_a_window_ending_between_two_cache_calls_starts_the_next_one(rf, monkeypatch):
    def expired(key):
        raise ValueError(f"Key {key!r} not found")

    monkeypatch.setattr(refusals.cache, "incr", expired)

    assert refusals.note_refused_token(rf.get("/data-sets"), "the configuration API") == 1
