"""Create the PostgreSQL database named in DATABASE_URL when it doesn't exist yet.

run_tests.sh calls this so that `makemigrations --check` can check the migration history against
a real database (pytest creates its own test_<name> database). SQLite needs nothing.
"""

import os
import sys

import dj_database_url
import psycopg
from psycopg import sql


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return 0
    config = dj_database_url.parse(url)
    name = config["NAME"]
    try:
        with psycopg.connect(
            dbname="postgres",
            autocommit=True,
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
        ) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Created PostgreSQL database {name}", file=sys.stderr)
    except psycopg.Error as error:
        print(
            f"Can't reach PostgreSQL at {config['HOST']}:{config['PORT']} as {config['USER']}: {error}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
