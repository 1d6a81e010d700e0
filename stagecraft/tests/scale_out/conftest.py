"""Stagecraft sites on the real cluster of stagecraft/testing/postgres_cluster.py, served by gunicorn
for the whole run (built on first use):

    replicated   reads the replica where stagecraft/replica_reads.py allows (DATABASE_REPLICA_URL)
    pooled       everything through PgBouncer in transaction pooling mode (DATABASE_POOLED=true),
                 migrated through it too

Each is logged in to the admin as `admin` and has an `admin` API client (`site.api_token`).
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from stagecraft.testing.app_server import Answer, App, Site, app_environment, deploy, serving
from stagecraft.testing.postgres_cluster import PgBouncer, PostgresCluster

WRITER_TOKEN = "scale-out-writer-token"


@dataclass
class Served:
    app: App
    site: Site
    database: str

    def new_data_set(self, **fields: Any) -> dict:
        """A new data group and, in it, a transactions-by-channel data set writable with WRITER_TOKEN."""
        group = f"scale-out-{uuid.uuid4().hex[:8]}"
        created = self.app.post_json("/data-groups", {"name": group}, token=self.site.api_token)
        assert created.status == 201, created.text
        return self.create_data_set(group, **fields)

    def create_data_set(self, group: str, **fields: Any) -> dict:
        payload = {
            "data_group": group,
            "data_type": "transactions-by-channel",
            "bearer_token": WRITER_TOKEN,
            "raw_queries_allowed": True,
            **fields,
        }
        created = self.app.post_json("/data-sets", payload, token=self.site.api_token)
        assert created.status == 201, created.text
        return created.json()

    def write(self, data_set: dict, records: list[dict]) -> Answer:
        path = f"/data/{data_set['data_group']}/{data_set['data_type']}"
        return self.app.post_json(path, records, token=WRITER_TOKEN)

    def read(self, data_set: dict, query: str = "") -> Answer:
        return self.app.get(f"/data/{data_set['data_group']}/{data_set['data_type']}{query}")


@pytest.fixture(scope="session")
def replicated(
    postgres_cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    database = "stagecraft_replicated"
    postgres_cluster.create_database(database)
    folder = tmp_path_factory.mktemp(database)
    site = deploy(app_environment(DATABASE_URL=postgres_cluster.primary_url(database)), folder)
    postgres_cluster.wait_for_replay()
    environment = {**site.environment, "DATABASE_REPLICA_URL": postgres_cluster.replica_url(database)}
    with serving(environment, folder / "gunicorn.log") as app:
        app.log_in("admin", site.admin_password)
        yield Served(app, site, database)


@pytest.fixture(scope="session")
def pooled(
    postgres_cluster: PostgresCluster, pgbouncer: PgBouncer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    database = "stagecraft_pooled"
    postgres_cluster.create_database(database)
    folder = tmp_path_factory.mktemp(database)
    # Persistent connections, as production keeps them: many transactions on one client connection.
    environment = app_environment(
        DATABASE_URL=pgbouncer.url(database), DATABASE_POOLED="true", DATABASE_CONN_MAX_AGE="600"
    )
    site = deploy(environment, folder)
    with serving(environment, folder / "gunicorn.log") as app:
        app.log_in("admin", site.admin_password)
        yield Served(app, site, database)
