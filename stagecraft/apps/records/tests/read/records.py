"""Stores records in exactly the write path's format, so read tests don't depend on it.

`data` holds the whole document as readers get it back: the fields as sent, `_id`, `_timestamp`
normalised to UTC, the derived `_hour_start_at` ... `_year_start_at` and `_updated_at`, all
datetimes as ISO 8601 UTC strings (2012-12-12T01:01:01+00:00).
"""

import uuid
from datetime import UTC, datetime, timedelta

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.records.models import Record
from stagecraft.apps.records.query.periods import PERIODS

WRITTEN_AT = datetime(2013, 1, 1, 12, 0, tzinfo=UTC)

# Shaped like the reference's licensing examples (backdrop-api.md §2.6): Westminster has one
# record in the week of 3 December 2012 and three in the week of 10 December, Camden one.
LICENSING = [
    {"_timestamp": "2012-12-04T09:30:00+00:00", "authority": "Westminster", "licence_name": "Street trading",
     "value": 2, "paid": True},
    {"_timestamp": "2012-12-10T00:00:00+00:00", "authority": "Westminster", "licence_name": "Street trading",
     "value": 3, "paid": False},
    {"_timestamp": "2012-12-11T13:00:00+00:00", "authority": "Westminster", "licence_name": "Pet shop",
     "value": 4, "paid": True},
    {"_timestamp": "2012-12-12T01:01:01+00:00", "authority": "Westminster", "licence_name": "Pet shop",
     "value": 4, "paid": True},
    {"_timestamp": "2012-12-13T16:00:00+00:00", "authority": "Camden",
     "licence_name": "Temporary events notice", "value": 5, "paid": False},
]  # fmt: skip


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def stored_document(document: dict, written_at: datetime = WRITTEN_AT) -> tuple[dict, datetime | None]:
    """The document as the write path stores it, and its parsed timestamp."""
    stored = dict(document)
    stored.setdefault("_id", uuid.uuid4().hex)
    timestamp = None
    if "_timestamp" in stored:
        timestamp = datetime.fromisoformat(stored["_timestamp"]).astimezone(UTC)
        stored["_timestamp"] = _iso(timestamp)
        for name, period in PERIODS.items():
            stored[f"_{name}_start_at"] = _iso(period.start(timestamp))
    stored["_updated_at"] = _iso(written_at)
    return stored, timestamp


def store(data_set: DataSet, *documents: dict) -> list[Record]:
    """Saves the documents as records of the data set, one microsecond apart in write time."""
    records = []
    for index, document in enumerate(documents):
        written_at = WRITTEN_AT + timedelta(microseconds=index)
        stored, timestamp = stored_document(document, written_at)
        records.append(
            Record(
                data_set=data_set,
                record_id=stored["_id"],
                timestamp=timestamp,
                updated_at=written_at,
                data=stored,
            )
        )
    return Record.objects.bulk_create(records)
