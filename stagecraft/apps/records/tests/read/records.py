"""Test records for the read API, written through the real write path (pipeline, then storage).

`store()` runs documents through `prepare_records` and `store_documents` with the clock pinned, giving
each document without an `_id` one that keeps the given order (storage writes a batch sorted by `_id`).
`store_raw()` writes rows in the same stored format directly, for documents the pipeline refuses but
a data set can still hold (a record without `_timestamp`, which a PATCH can leave behind).
"""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.records.models import Record
from stagecraft.apps.records.pipeline import prepare_records
from stagecraft.apps.records.storage import store_documents
from stagecraft.testing.clock import pin_clock

_ids = itertools.count()  # ids that sort in the order documents are stored, across batches
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


def stored_document(document: dict) -> tuple[dict, datetime | None]:
    """The document as the write path stores it, and its parsed timestamp."""
    stored = dict(document)
    stored.setdefault("_id", uuid.uuid4().hex)
    timestamp = None
    if "_timestamp" in stored:
        timestamp = datetime.fromisoformat(stored["_timestamp"]).astimezone(UTC)
        stored["_timestamp"] = _iso(timestamp)
    # The derived fields (`_*_start_at`, `_updated_at`) come from the columns (documents.py).
    return stored, timestamp


def store(data_set: DataSet, *documents: dict) -> None:
    """Writes the documents through the write path, as one batch, in the given order."""
    numbered = [{"_id": f"r{next(_ids):08}", **document} for document in documents]
    with pin_clock(WRITTEN_AT):
        store_documents(data_set, prepare_records(data_set, numbered))


def store_raw(data_set: DataSet, *documents: dict) -> list[Record]:
    """Saves the documents in the stored format directly, one microsecond apart in write time."""
    records = []
    for index, document in enumerate(documents):
        written_at = WRITTEN_AT + timedelta(microseconds=index)
        stored, timestamp = stored_document(document)
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
