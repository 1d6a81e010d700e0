"""Real database servers for the tests that need more than one: a PostgreSQL primary with a streaming
replica, and a PgBouncer in transaction pooling mode in front of the primary (registered in the root
conftest.py; docs/deployment.md describes the topology they stand for).

    postgres_cluster (session)   built once per test run: `initdb` and `pg_basebackup` into a
                                 temporary folder, each server on a free port of 127.0.0.1
        .create_database("name")              on the primary; waits until the replica has it too
        .primary_url("name"), .replica_url("name")   postgres://... for DATABASE_URL and friends
        .execute(sql, params, database=..., on="primary" | "replica")   autocommit; returns the rows
        .pause_replay(), .resume_replay()     the replica keeps receiving WAL but stops applying it
        .wait_for_replay()                    until the replica has applied all the primary wrote
        .replaying_paused()                   a context manager: paused inside, caught up after
    pgbouncer (session)          Debian's pgbouncer in front of the primary, `pool_mode = transaction`
        .url("name")

The servers run as the `postgres` system user when the tests run as root (PostgreSQL and PgBouncer
both refuse root), as the current user otherwise. The tests that use these fixtures are skipped, with
the reason, when DATABASE_URL is not PostgreSQL (the SQLite run leaves them to the PostgreSQL one) or
when the binaries are missing; ./run_tests.sh installs pgbouncer with apt-get where it can.

The PgBouncer is stricter than a default one on purpose: two server connections used in turn
(`server_round_robin`), so consecutive transactions of one client land on different server
connections and anything that leans on session state across transactions (a `WITH HOLD` cursor, a
session advisory lock, a plain `SET`) fails here instead of only under load in production.

This module imports nothing from Stagecraft: any test may use it.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

SERVER_BINARIES = ("initdb", "pg_ctl", "postgres", "pg_basebackup")
PGBOUNCER = "pgbouncer"
WAIT_SECONDS = 60
# The primary's settings: enough for one streaming replica, fast rather than durable (the folder is
# thrown away after the run). Not UTC on purpose: Django sets UTC on each new connection, and through
# PgBouncer that setting must follow the client to every server connection it is handed.
PRIMARY_CONFIGURATION = """
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 60
timezone = 'America/New_York'
log_min_messages = warning
"""


def requires_postgresql() -> None:
    """Skip, saying why, unless the run's own database is PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "needs DATABASE_URL=postgres://...: the tests with a real primary, replica and PgBouncer run "
            "in the PostgreSQL run of ./run_tests.sh"
        )


def server_binaries() -> Path | None:
    """The folder holding initdb, pg_ctl, postgres and pg_basebackup of one version, or None."""
    candidates = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent)
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if all((folder / name).is_file() for name in SERVER_BINARIES):
            return folder
    return None


def free_ports(count: int) -> list[int]:
    """Ports of 127.0.0.1 that nothing listens on, all different (held open together while chosen)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def free_port() -> int:
    return free_ports(1)[0]


@dataclass
class Runner:
    """Runs the servers' programs as the user they accept (see the module docstring)."""

    user: str | None  # None: the current user
    env: dict[str, str] = field(default_factory=lambda: {**os.environ, "LC_ALL": "C"})

    @classmethod
    def for_this_process(cls) -> "Runner":
        if os.geteuid() != 0:
            return cls(user=None)
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' system user to run PostgreSQL as")
        return cls(user="postgres")

    def own(self, folder: Path) -> None:
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(folder, entry.pw_uid, entry.pw_gid)

    def run(self, command: Sequence[str | Path], cwd: Path) -> None:
        result = subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            env=self.env,
            user=self.user,
            group=self.user,
            extra_groups=[] if self.user else None,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{result.stdout}{result.stderr}")

    def start(self, command: Sequence[str | Path], cwd: Path, log: Path) -> subprocess.Popen:
        with log.open("ab") as output:
            return subprocess.Popen(
                [str(part) for part in command],
                cwd=cwd,
                env=self.env,
                user=self.user,
                group=self.user,
                extra_groups=[] if self.user else None,
                stdout=output,
                stderr=subprocess.STDOUT,
            )


def url(port: int, database: str) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{database}"


def connect(address: str, **options: Any) -> psycopg.Connection:
    """A psycopg connection that never prepares statements (as Django's): through PgBouncer 1.18 a
    statement prepared in one transaction is gone in the next."""
    return psycopg.connect(address, prepare_threshold=None, **options)


def wait_until(check: Any, what: str, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {seconds} s waiting for {what}")
        time.sleep(0.05)


class PostgresCluster:
    """A primary and its streaming replica in `folder`; see the module docstring."""

    def __init__(self, folder: Path, binaries: Path, runner: Runner) -> None:
        self.folder = folder
        self.binaries = binaries
        self.runner = runner
        self.primary_port, self.replica_port = free_ports(2)
        self.primary_data = folder / "primary"
        self.replica_data = folder / "replica"

    # -- building and stopping ---------------------------------------------------------------------

    def build(self) -> None:
        self.runner.run(
            [
                self.binaries / "initdb",
                "--pgdata",
                self.primary_data,
                "--username=postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            cwd=self.folder,
        )
        with (self.primary_data / "postgresql.conf").open("a") as conf:
            conf.write(PRIMARY_CONFIGURATION)
            conf.write(f"port = {self.primary_port}\nunix_socket_directories = '{self.folder}'\n")
        self._pg_ctl(self.primary_data, "start")
        # --write-recovery-conf writes standby.signal and the primary's address: the copy starts as
        # a streaming replica.
        self.runner.run(
            [
                self.binaries / "pg_basebackup",
                "--host=127.0.0.1",
                f"--port={self.primary_port}",
                "--username=postgres",
                "--pgdata",
                self.replica_data,
                "--write-recovery-conf",
                "--wal-method=stream",
                "--checkpoint=fast",
                "--no-sync",
            ],
            cwd=self.folder,
        )
        with (self.replica_data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {self.replica_port}\n")
        self._pg_ctl(self.replica_data, "start")
        wait_until(self._streaming, "the replica to stream from the primary")

    def stop(self) -> None:
        for data in (self.replica_data, self.primary_data):
            if (data / "postmaster.pid").exists():
                self._pg_ctl(data, "stop", "--mode=immediate")

    def _pg_ctl(self, data: Path, action: str, *options: str) -> None:
        # The log next to the data folder, not in it: pg_basebackup would copy the primary's.
        log = self.folder / f"{data.name}.log"
        self.runner.run(
            [self.binaries / "pg_ctl", action, "--pgdata", data, "--wait", "--log", log, *options],
            cwd=self.folder,
        )

    def _streaming(self) -> bool:
        rows = self.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
        return rows[0][0] == 1

    # -- using ---------------------------------------------------------------------------------------

    def primary_url(self, database: str) -> str:
        return url(self.primary_port, database)

    def replica_url(self, database: str) -> str:
        return url(self.replica_port, database)

    def execute(
        self,
        statement: str | sql.Composable,
        params: Sequence[Any] = (),
        *,
        database: str = "postgres",
        on: str = "primary",
    ) -> list[tuple]:
        """Runs one statement in autocommit mode on the primary or the replica; the rows it returned."""
        port = self.primary_port if on == "primary" else self.replica_port
        with connect(url(port, database), autocommit=True) as connection:
            cursor = connection.execute(statement, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str) -> None:
        """A new, empty database on the primary, waited for on the replica."""
        self.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        self.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.wait_for_replay()

    def pause_replay(self) -> None:
        """The replica stops applying WAL: reads there see the data as it was at this moment."""
        self.execute("SELECT pg_wal_replay_pause()", on="replica")
        wait_until(
            lambda: self.execute("SELECT pg_get_wal_replay_pause_state()", on="replica")[0][0] == "paused",
            "the replica to pause its replay",
        )

    def resume_replay(self) -> None:
        self.execute("SELECT pg_wal_replay_resume()", on="replica")

    def wait_for_replay(self) -> None:
        """Returns once the replica has applied everything the primary had written when called."""
        (position,) = self.execute("SELECT pg_current_wal_lsn()")[0]
        wait_until(
            lambda: self.execute(
                "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", [position], on="replica"
            )[0][0],
            "the replica to catch up with the primary",
        )

    @contextmanager
    def replaying_paused(self) -> Iterator[None]:
        """Replay paused inside the block; resumed and caught up after it, even when it fails."""
        self.pause_replay()
        try:
            yield
        finally:
            self.resume_replay()
            self.wait_for_replay()


class PgBouncer:
    """Debian's pgbouncer in front of the primary, transaction pooling; see the module docstring."""

    def __init__(self, folder: Path, executable: str, cluster: PostgresCluster, runner: Runner) -> None:
        self.folder = folder
        self.executable = executable
        self.cluster = cluster
        self.runner = runner
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        (self.folder / "userlist.txt").write_text('"postgres" ""\n')
        config = self.folder / "pgbouncer.ini"
        config.write_text(
            "[databases]\n"
            f"* = host=127.0.0.1 port={self.cluster.primary_port}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            f"unix_socket_dir = {self.folder}\n"
            "auth_type = trust\n"
            f"auth_file = {self.folder / 'userlist.txt'}\n"
            "pool_mode = transaction\n"
            # Two server connections taken in turn: see the module docstring.
            "default_pool_size = 2\n"
            "min_pool_size = 2\n"
            "server_round_robin = 1\n"
            "max_client_conn = 200\n"
            "admin_users = postgres\n"
        )
        self.process = self.runner.start(
            [self.executable, config], cwd=self.folder, log=self.folder / "pgbouncer.log"
        )
        wait_until(self._answers, "PgBouncer to accept connections")

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            log = (self.folder / "pgbouncer.log").read_text()
            raise RuntimeError(f"pgbouncer exited with {self.process.returncode}:\n{log}")
        try:
            with connect(url(self.port, "postgres"), autocommit=True, connect_timeout=2) as connection:
                connection.execute("SELECT 1")
        except psycopg.OperationalError:
            return False
        return True

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=WAIT_SECONDS)

    def url(self, database: str) -> str:
        """The database's address through PgBouncer, its pool holding both server connections."""
        self._fill_pool(database)
        return url(self.port, database)

    def _fill_pool(self, database: str) -> None:
        # PgBouncer opens server connections as clients need them: two transactions open at once make
        # it open both, and from then on it hands them out in turn.
        with connect(url(self.port, database)) as first, connect(url(self.port, database)) as second:
            first.execute("SELECT 1")
            second.execute("SELECT 1")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A primary and a streaming replica for the whole test run; see the module docstring."""
    requires_postgresql()
    binaries = server_binaries()
    if binaries is None:
        pytest.skip(
            "PostgreSQL's server programs (initdb, pg_ctl, postgres, pg_basebackup) were not found on the "
            "PATH or under /usr/lib/postgresql/*/bin: apt-get install postgresql"
        )
    runner = Runner.for_this_process()
    folder = Path(tempfile.mkdtemp(prefix="stagecraft-postgres-cluster-"))
    runner.own(folder)
    cluster = PostgresCluster(folder, binaries, runner)
    try:
        cluster.build()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pgbouncer(postgres_cluster: PostgresCluster) -> Iterator[PgBouncer]:
    """PgBouncer (transaction pooling) in front of the cluster's primary; see the module docstring."""
    executable = shutil.which(PGBOUNCER) or shutil.which(PGBOUNCER, path="/usr/sbin")
    if executable is None:
        pytest.skip(
            "pgbouncer is not installed (./run_tests.sh installs Debian's package with apt-get when it "
            "runs as root: apt-get install pgbouncer)"
        )
    bouncer = PgBouncer(postgres_cluster.folder, executable, postgres_cluster, postgres_cluster.runner)
    try:
        bouncer.start()
        yield bouncer
    finally:
        bouncer.stop()
