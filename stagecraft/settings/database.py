"""The DATABASES setting, from DATABASE_URL, DATABASE_REPLICA_URL and DATABASE_POOLED (docs/deployment.md).

The primary is `default`; each replica gets the alias `replica_1`, `replica_2`, ... in the order given.
stagecraft/db_router.py decides which of them each query goes to.
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

POSTGRESQL = "django.db.backends.postgresql"


def database_settings(
    primary_url: str, replica_urls: list[str], *, conn_max_age: int, pooled: bool
) -> dict[str, dj_database_url.DBConfig]:
    databases = {"default": dj_database_url.parse(primary_url, conn_max_age=conn_max_age)}
    is_postgresql = databases["default"]["ENGINE"] == POSTGRESQL
    for number, replica_url in enumerate(replica_urls, start=1):
        replica = dj_database_url.parse(replica_url, conn_max_age=conn_max_age)
        if not is_postgresql or replica["ENGINE"] != POSTGRESQL:
            raise ImproperlyConfigured(
                "DATABASE_REPLICA_URL lists PostgreSQL replicas (streaming replicas of DATABASE_URL): "
                "DATABASE_URL and every replica must be postgres://... addresses."
            )
        # Test runs read the test database itself where they would read a replica.
        replica["TEST"] = {"MIRROR": "default"}
        databases[f"replica_{number}"] = replica
    if pooled:
        if not is_postgresql:
            raise ImproperlyConfigured(
                "DATABASE_POOLED=true is for PostgreSQL behind PgBouncer; DATABASE_URL is not postgres://..."
            )
        for database in databases.values():
            # QuerySet.iterator() on PostgreSQL reads through a server-side cursor which, outside a
            # transaction, is declared WITH HOLD and fetched in later transactions: in transaction
            # pooling those may run on another server connection, where the cursor does not exist.
            database["DISABLE_SERVER_SIDE_CURSORS"] = True
    return databases
