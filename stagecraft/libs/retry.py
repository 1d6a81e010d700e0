"""Running a transaction again when the database gave up on it because of another one.

PostgreSQL ends a transaction with a deadlock (SQLSTATE 40P01) or a serialisation failure (40001)
when it can't order it with a concurrent one; the same work usually succeeds when run again. SQLite
answers "database is locked" when another connection held its lock for longer than the timeout.
`retry_on_conflict` runs the work a bounded number of times, pausing a little longer each time, then
raises Busy, which the project answers 503 with `Retry-After` (stagecraft/middleware.py).

Only a transaction that the work opens itself can be run again: inside an outer transaction the
whole of it has failed, so the error is raised at once for its owner to handle.
"""

import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection

T = TypeVar("T")

ATTEMPTS = 4
FIRST_PAUSE_SECONDS = 0.05
RETRY_AFTER_SECONDS = 1
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


class Busy(Exception):
    """The work failed on conflicts every time it was tried; the client should try again later."""

    retry_after = RETRY_AFTER_SECONDS


def is_conflict(error: OperationalError) -> bool:
    """A deadlock, a serialisation failure, or SQLite's lock timeout."""
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate in _RETRYABLE_SQLSTATES or "database is locked" in str(error)


def retry_on_conflict(work: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """`work()`, run again (up to `attempts` times in all) while it fails on a conflict; Busy after."""
    attempt = 1
    while True:
        try:
            return work()
        except OperationalError as error:
            if not is_conflict(error) or connection.in_atomic_block:
                raise
            if attempt >= attempts:
                raise Busy(f"still conflicting after {attempts} attempts: {error}") from error
        # Jittered, growing pauses keep the conflicting transactions from meeting again.
        time.sleep(FIRST_PAUSE_SECONDS * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
        attempt += 1
