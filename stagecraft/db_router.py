"""Which database each query goes to once read replicas are configured (DATABASE_REPLICA_URL,
docs/deployment.md "Read replicas").

Everything runs on the primary (`default`) unless the request being served was marked as one that
may read from a replica (stagecraft/replica_reads.py says which, in one place) and has written
nothing yet: its reads then go to the replica picked for it. The first write sends the rest of the
request to the primary, so that it reads what it wrote. Who is asking (sessions, users, API clients,
login throttling) is always read on the primary, whatever the request: a revoked token or a
logged-out session stops working at once, not after the replica's lag. Writing those (an API
client's `last_used`, a session) keeps the request on its replica: they are read on the primary
anyway. Outside a request
(management commands, migrations, the scheduler) nothing is marked. Migrations run on the primary
only; the replicas receive them through streaming replication.

Writes made with raw SQL on `django.db.connection` go to the primary, but only the ORM's writes
(through db_for_write) are noticed: a view that writes with raw SQL must not be on a route that may
read from a replica.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models import Model

PRIMARY = "default"
# Read on the primary in every request: see the module docstring.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "apiclients", "axes"})

Chunk = TypeVar("Chunk")


class RequestReads:
    """Where the reads of the request being served go: a replica's alias, or None for the primary."""

    def __init__(self) -> None:
        self.replica: str | None = None


_current: ContextVar[RequestReads | None] = ContextVar("stagecraft_request_reads", default=None)


@contextmanager
def serving_request() -> Iterator[RequestReads]:
    """The block serves one request: it reads from the primary until read_from_replica() says otherwise."""
    reads = RequestReads()
    token = _current.set(reads)
    try:
        yield reads
    finally:
        _current.reset(token)


def read_from_replica(alias: str) -> None:
    """The request being served reads from this replica from now on, until it writes."""
    reads = _current.get()
    if reads is not None:
        reads.replica = alias


def replica_in_use() -> str | None:
    """The replica the request being served reads from, or None (the primary)."""
    reads = _current.get()
    return reads.replica if reads is not None else None


def streamed_within(reads: RequestReads, chunks: Iterable[Chunk]) -> Iterator[Chunk]:
    """A streaming response's chunks, each produced as part of its request (they are produced after
    the view has returned, when the server sends them)."""
    iterator = iter(chunks)
    while True:
        token = _current.set(reads)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _current.reset(token)
        yield chunk


class ReplicaRouter:
    """Django's database router for the rule in the module docstring."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        replica = replica_in_use()
        if replica is None or model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return replica

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        reads = _current.get()
        if reads is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            reads.replica = None
        return PRIMARY

    def allow_relation(self, first: Model, second: Model, **hints: Any) -> bool:
        # Every alias holds the same data: the replicas are copies of the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
