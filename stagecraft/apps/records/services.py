"""The records app's public API: what the apps above it (metrics) and the project import."""

from .freshness import (
    FRESH,
    FRESHNESS_CHOICES,
    NEVER,
    STALE,
    Freshness,
    freshness_of,
    stale_data_sets,
    with_freshness,
    with_last_updated,
)
from .models import Record
from .pipeline import RecordError, RecordValidationError, prepare_records
from .storage import empty_data_set, store_documents
from .urls import DATA_STORE_ROUTES
from .views.answers import data_store_error

__all__ = [
    "DATA_STORE_ROUTES",
    "FRESH",
    "FRESHNESS_CHOICES",
    "NEVER",
    "STALE",
    "Freshness",
    "Record",
    "RecordError",
    "RecordValidationError",
    "data_store_error",
    "empty_data_set",
    "freshness_of",
    "prepare_records",
    "stale_data_sets",
    "store_documents",
    "with_freshness",
    "with_last_updated",
]
