"""The README's carers-allowance example as test data: a legacy data set and its stored records."""

import base64
import datetime
import json
from pathlib import Path
from typing import Any

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.datasets.tests.factories import DataGroupFactory, DataSetFactory, DataTypeFactory
from stagecraft.apps.records.models import Record

NOW = datetime.datetime(2014, 6, 2, 12, 0, tzinfo=datetime.UTC)

CARERS_MAPPING: dict[str, Any] = {
    "old_data_set": {"data_group": "carers-allowance", "data_type": "weekly-claims"},
    "new_data_set": {
        "auto_ids": "_timestamp,channel",
        "data_group": "carers-allowance",
        "data_type": "transactions-by-channel",
    },
    "data_mapping": {
        "key_mapping": {"key": "channel", "value": "count"},
        "value_mapping": {"ca_clerical_received": "paper", "ca_e_claims_received": "digital"},
    },
}


def legacy_data_set(**overrides) -> DataSet:
    """carers-allowance/weekly-claims as the 2014 store held it: no schema, counts as floats."""
    fields = {
        "data_group": DataGroupFactory.create(name="carers-allowance"),
        "data_type": DataTypeFactory.create(name="weekly-claims", schema={}),
        "bearer_token": "weekly-claims-token",
        "auto_ids": "_timestamp,key",
        "published": True,
        "max_age_expected": 1300000,
        "upload_format": "excel",
    }
    fields.update(overrides)
    return DataSetFactory.create(**fields)


def stored_document(timestamp: str, key: str, value: object, **extra) -> dict:
    """A record as the old data store kept it, derived and internal fields included."""
    record_id = base64.b64encode(f"{timestamp}.{key}".encode()).decode()
    day = timestamp[:10] + "T00:00:00+00:00"
    return {
        "_id": record_id,
        "_timestamp": timestamp,
        "key": key,
        "value": value,
        "_updated_at": "2014-02-01T09:00:00+00:00",
        "_hour_start_at": day,
        "_day_start_at": day,
        "_week_start_at": day,
        "_month_start_at": timestamp[:8] + "01T00:00:00+00:00",
        "_quarter_start_at": timestamp[:5] + "01-01T00:00:00+00:00",
        "_year_start_at": timestamp[:5] + "01-01T00:00:00+00:00",
        **extra,
    }


def store(data_set: DataSet, documents: list[dict]) -> None:
    """Write documents straight into the store, bypassing validation, as legacy data may be."""
    for document in documents:
        timestamp = document.get("_timestamp")
        Record.objects.create(
            data_set=data_set,
            record_id=document["_id"],
            timestamp=datetime.datetime.fromisoformat(timestamp) if isinstance(timestamp, str) else None,
            updated_at=NOW,
            data=document,
        )


def weekly_claims_documents() -> list[dict]:
    return [
        stored_document("2014-01-06T00:00:00+00:00", "ca_clerical_received", 12.0),
        stored_document("2014-01-06T00:00:00+00:00", "ca_e_claims_received", 30.0),
        stored_document("2014-01-13T00:00:00+00:00", "ca_clerical_received", 10.0),
        stored_document("2014-01-13T00:00:00+00:00", "ca_e_claims_received", 41.0),
    ]


def write_json(tmp_path: Path, name: str, content: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(content))
    return str(path)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()
