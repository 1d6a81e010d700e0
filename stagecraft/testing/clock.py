"""Pinning the clock in tests, with time-machine.

time-machine moves the real clock (time.time, datetime.now...) for the whole process, so everything
that reads the time sees the pinned moment: `timezone.now()`, `auto_now`/`auto_now_add` fields, the
record store's `_updated_at`, and the live server's thread. The clock stands still (no ticking) so
tests can compare with the moment exactly.

    from stagecraft.testing.clock import frozen_at, pin_clock

    NOW = datetime.datetime(2014, 1, 20, 12, 0, tzinfo=datetime.UTC)
    frozen_now = frozen_at(NOW)                 # a fixture: the clock stands at NOW, and it returns NOW

    with pin_clock(NOW - timedelta(hours=1)):   # a block, which may sit inside a frozen_now test
        ...

This module imports nothing from Stagecraft: any test may import it.
"""

import datetime
from collections.abc import Callable, Iterator

import pytest
import time_machine


def pin_clock(moment: datetime.datetime) -> time_machine.travel:
    """A context manager (or decorator) that stands the clock at `moment`, an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError(f"pin_clock needs an aware datetime (UTC), not the naive {moment!r}")
    return time_machine.travel(moment, tick=False)


def frozen_at(
    moment: datetime.datetime, *, autouse: bool = False
) -> Callable[[], Iterator[datetime.datetime]]:
    """A fixture that stands the clock at `moment` for the test and returns `moment`. Assign it to the
    name tests ask for: `frozen_now = frozen_at(NOW)` (with `autouse=True`, for every test of the module
    or directory)."""

    @pytest.fixture(autouse=autouse)
    def frozen() -> Iterator[datetime.datetime]:
        with pin_clock(moment):
            yield moment

    return frozen
