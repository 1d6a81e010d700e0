"""What a record stores and what it derives (docs/records.md, "Stored and derived").

Stored, in `Record.data`: the document as the pipeline leaves it, which is what the client sent plus
`_id` (from `auto_ids` or given by storage) and the time fields it sent (`_timestamp`, `_start_at`,
`_end_at`) as ISO 8601 text in UTC. `_timestamp` and `_updated_at` are also columns.

Derived, on every way out (raw reads, CSV, the explorer, the admin's preview): the period-start fields
`_hour_start_at` ... `_year_start_at`, computed from the timestamp column, and `_updated_at`, from the
updated_at column, exactly as they were once stored. They cost 70% of a document's bytes and nothing
to compute, so they are not stored; query/sql.py computes the same texts in SQL when a query filters,
groups, sorts or collects on one of them.

Public API:

    PERIOD_FIELDS, DERIVED_FIELDS
        The period-start fields, and those plus `_updated_at`.
    full_document(data: dict, timestamp: datetime | None, updated_at: datetime) -> dict
        A stored document with its derived fields, as readers get it.
    stored_document(document: dict) -> dict
        The document without derived fields (a document read back and written again, say).
    period_start_texts(timestamp: datetime) -> dict[str, str]
        The period-start fields of a UTC timestamp, as ISO 8601 text.
    isoformat(value: datetime) -> str
        2012-12-12T01:01:01+00:00, with .ffffff only when there are microseconds.
    cached_isoformat(value: datetime) -> str
        The same, each value formatted once while it is among the last 4,096 (a batch's records
        share a few timestamps and one write time).
"""

import datetime
import functools

from .periods import PERIOD_NAMES, period_start

PERIOD_FIELDS = tuple(f"_{name}_start_at" for name in PERIOD_NAMES)
DERIVED_FIELDS = (*PERIOD_FIELDS, "_updated_at")
_DERIVED = frozenset(DERIVED_FIELDS)


def full_document(data: dict, timestamp: datetime.datetime | None, updated_at: datetime.datetime) -> dict:
    """`data` plus its derived fields (a new dict; `data` is not changed)."""
    document = dict(data)
    if timestamp is not None:
        document.update(period_start_texts(timestamp))
    document["_updated_at"] = cached_isoformat(updated_at)
    return document


def stored_document(document: dict) -> dict:
    """`document` without its derived fields."""
    if _DERIVED.isdisjoint(document):
        return document
    return {key: value for key, value in document.items() if key not in _DERIVED}


def period_start_texts(timestamp: datetime.datetime) -> dict[str, str]:
    """The `_*_start_at` fields of a timestamp, as ISO 8601 text in UTC."""
    utc = timestamp.astimezone(datetime.UTC) if timestamp.tzinfo else timestamp.replace(tzinfo=datetime.UTC)
    # Every period starts on an hour: records of the same hour share one computation.
    return dict(_period_texts_of_hour(utc.replace(minute=0, second=0, microsecond=0)))


@functools.lru_cache(maxsize=65536)
def _period_texts_of_hour(hour: datetime.datetime) -> tuple[tuple[str, str], ...]:
    return tuple(
        (field, period_start(name, hour).isoformat())
        for name, field in zip(PERIOD_NAMES, PERIOD_FIELDS, strict=True)
    )


def isoformat(value: datetime.datetime) -> str:
    """2012-12-12T01:01:01+00:00, with .ffffff only when there are microseconds.

    A naive value (an Excel date, say) is taken as UTC, never as the machine's local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).isoformat()


# Equal datetimes are the same instant, and isoformat() writes it in UTC: one text for all of them.
cached_isoformat = functools.lru_cache(maxsize=4096)(isoformat)
