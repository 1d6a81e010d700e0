"""The read replicas' rule and router, in process: which requests may read from a replica, where each
query goes, and the DATABASES built from the environment. The same, against a real streaming replica:
stagecraft/tests/scale_out/test_read_replicas.py."""

from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.http import StreamingHttpResponse
from django.test import RequestFactory, override_settings
from django.urls import resolve

from stagecraft.apps.apiclients.models import ApiClient
from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.records.models import Record
from stagecraft.db_router import PRIMARY, ReplicaRouter, read_from_replica, replica_in_use, serving_request
from stagecraft.replica_reads import ReplicaReadsMiddleware, may_read_from_replica
from stagecraft.settings.database import database_settings

PRIMARY_URL = "postgres://stagecraft@primary.internal:5432/stagecraft"
REPLICA_URLS = [
    "postgres://stagecraft@replica-a.internal:5432/stagecraft",
    "postgres://stagecraft@replica-b.internal:5432/stagecraft",
]


def _request(method: str, path: str):
    request = RequestFactory().generic(method, path)
    request.resolver_match = resolve(path)
    return request


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/data/carers-allowance/transactions-by-channel"),
        ("HEAD", "/data/carers-allowance/transactions-by-channel"),
        ("OPTIONS", "/data/carers-allowance/transactions-by-channel"),
        ("GET", "/carers_allowance_transactions_by_channel"),
        ("GET", "/data-sets"),
        ("GET", "/data-sets/carers_allowance_transactions_by_channel"),
        ("GET", "/data-sets/carers_allowance_transactions_by_channel/users"),
        ("GET", "/users/someone@example.org"),
        ("GET", "/data-groups"),
        ("GET", "/data-types"),
        ("GET", "/metrics/"),
        ("GET", "/metrics/data-set-health/"),
        ("GET", "/metrics/stocks/stale.json"),
        ("GET", "/metrics/openmetrics"),
    ],
)
def test_it_lets_the_read_apis_and_metrics_reports_read_from_a_replica(method, path):
    assert may_read_from_replica(_request(method, path))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        # Writes, the write API's token check among them.
        ("POST", "/data/carers-allowance/transactions-by-channel"),
        ("PUT", "/data/carers-allowance/transactions-by-channel"),
        ("POST", "/carers_allowance_transactions_by_channel"),
        ("DELETE", "/data/carers-allowance/transactions-by-channel/some-id"),
        ("POST", "/data-sets"),
        ("DELETE", "/data-sets/carers_allowance_transactions_by_channel"),
        ("POST", "/data-sets/carers_allowance_transactions_by_channel"),
        # Freshness must not follow a replica's lag; the health check looks at the primary.
        ("GET", "/_status/data-sets"),
        ("GET", "/_status"),
        # The admin, its records pages and stockandflow's admin; the alert links.
        ("GET", "/admin/"),
        ("GET", "/admin/datasets/dataset/"),
        ("GET", "/admin/records/query/1/"),
        ("GET", "/stockandflow-admin/"),
        ("GET", "/alerts/preferences/some-token/"),
    ],
)
def test_it_keeps_writes_the_admin_and_the_freshness_status_on_the_primary(method, path):
    assert not may_read_from_replica(_request(method, path))


def test_it_reads_nothing_from_a_replica_when_the_url_did_not_resolve():
    assert not may_read_from_replica(RequestFactory().get("/data/a/b"))


def test_outside_a_request_everything_is_on_the_primary():
    router = ReplicaRouter()
    read_from_replica("replica_1")  # no request being served: nothing to mark
    assert router.db_for_read(DataSet) == PRIMARY
    assert router.db_for_write(DataSet) == PRIMARY
    assert replica_in_use() is None


def test_a_marked_request_reads_records_and_configuration_from_its_replica():
    router = ReplicaRouter()
    with serving_request():
        assert router.db_for_read(Record) == PRIMARY
        read_from_replica("replica_2")
        assert router.db_for_read(Record) == "replica_2"
        assert router.db_for_read(DataSet) == "replica_2"
    assert router.db_for_read(Record) == PRIMARY


def test_who_is_asking_is_always_read_on_the_primary():
    router = ReplicaRouter()
    with serving_request():
        read_from_replica("replica_1")
        for model in (Session, User, ApiClient):
            assert router.db_for_read(model) == PRIMARY
        # Writing them (a session, an API client's last_used) keeps the request on its replica.
        assert router.db_for_write(ApiClient) == PRIMARY
        assert router.db_for_read(Record) == "replica_1"


def test_a_request_that_wrote_reads_the_primary_from_then_on():
    router = ReplicaRouter()
    with serving_request():
        read_from_replica("replica_1")
        assert router.db_for_write(Record) == PRIMARY
        assert router.db_for_read(Record) == PRIMARY
        assert router.db_for_read(DataSet) == PRIMARY


def test_migrations_run_on_the_primary_only_and_relations_cross_aliases():
    router = ReplicaRouter()
    assert router.allow_migrate(PRIMARY, "records")
    assert not router.allow_migrate("replica_1", "records")
    assert router.allow_relation(DataSet(), Record())


def test_a_streamed_response_keeps_reading_from_the_requests_replica():
    def chunks():
        for _ in range(3):
            yield (replica_in_use() or "primary").encode()

    def view(request):
        read_from_replica("replica_1")
        return StreamingHttpResponse(chunks())

    response = ReplicaReadsMiddleware(view)(RequestFactory().get("/data/a/b"))
    assert isinstance(response, StreamingHttpResponse)
    assert replica_in_use() is None
    assert b"".join(response.streaming_content) == b"replica_1" * 3


@pytest.mark.django_db
def test_the_middleware_marks_a_read_api_request_only_when_replicas_are_configured(client):
    marked: list[str] = []
    with mock.patch("stagecraft.replica_reads.read_from_replica", side_effect=marked.append):
        client.get("/data/carers-allowance/transactions-by-channel")
        with override_settings(STAGECRAFT_READ_REPLICAS=["replica_1"]):
            client.get("/data/carers-allowance/transactions-by-channel")
            client.get("/_status/data-sets")
    assert marked == ["replica_1"]


def test_without_replicas_there_is_one_database():
    databases = database_settings(PRIMARY_URL, [], conn_max_age=0, pooled=False)
    assert list(databases) == ["default"]
    assert databases["default"]["DISABLE_SERVER_SIDE_CURSORS"] is False


def test_each_replica_gets_an_alias_and_mirrors_the_test_database():
    databases = database_settings(PRIMARY_URL, REPLICA_URLS, conn_max_age=60, pooled=False)
    assert list(databases) == ["default", "replica_1", "replica_2"]
    assert databases["replica_2"]["HOST"] == "replica-b.internal"
    assert databases["replica_1"]["CONN_MAX_AGE"] == 60
    assert databases["replica_1"]["TEST"] == {"MIRROR": "default"}


def test_pooled_connections_turn_off_server_side_cursors_everywhere():
    databases = database_settings(PRIMARY_URL, REPLICA_URLS[:1], conn_max_age=0, pooled=True)
    assert all(database["DISABLE_SERVER_SIDE_CURSORS"] for database in databases.values())


def test_it_refuses_replicas_or_pooling_without_postgresql():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL lists PostgreSQL replicas"):
        database_settings("sqlite:///db.sqlite3", REPLICA_URLS, conn_max_age=0, pooled=False)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL"):
        database_settings(PRIMARY_URL, ["sqlite:///copy.sqlite3"], conn_max_age=0, pooled=False)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOLED=true is for PostgreSQL"):
        database_settings("sqlite:///db.sqlite3", [], conn_max_age=0, pooled=True)
