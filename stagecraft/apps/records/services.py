"""The records app's public API: what the apps above it (metrics) and the project import."""

from .freshness import (
    FRESH,
    FRESHNESS_CHOICES,
    NEVER,
    STALE,
    Freshness,
    freshness_of,
    seconds_out_of_date,
    stale_data_sets,
    with_freshness,
    with_last_updated,
)
from .models import Record, WriteLogEntry
from .pipeline import RecordError, RecordValidationError, prepare_records
from .storage import empty_data_set, store_documents
from .summary import CHART_DAYS, RecordsSummary, records_summary, with_record_count, with_records_summary
from .views.answers import data_store_error
from .writelog import DailyWrites, latest_writes, record_write

__all__ = [
    "CHART_DAYS",
    "FRESH",
    "FRESHNESS_CHOICES",
    "NEVER",
    "STALE",
    "DailyWrites",
    "Freshness",
    "Record",
    "RecordError",
    "RecordValidationError",
    "RecordsSummary",
    "WriteLogEntry",
    "data_store_error",
    "empty_data_set",
    "freshness_of",
    "latest_writes",
    "prepare_records",
    "record_write",
    "records_summary",
    "seconds_out_of_date",
    "stale_data_sets",
    "store_documents",
    "with_freshness",
    "with_last_updated",
    "with_record_count",
    "with_records_summary",
]
