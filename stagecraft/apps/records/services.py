"""The records app's public API: what the apps above it (metrics) and the project import."""

from .admin_list import breakable_name, freshness_badge
from .demo import CLIENT as DEMO_CLIENT
from .demo import Post as DemoPost
from .demo import empty as empty_for_demo
from .demo import posts as demo_posts
from .demo import write_posts as write_demo_posts
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
    with_stale_since,
)
from .models import Record, WriteLogEntry
from .pipeline import RecordError, RecordValidationError, prepare_records
from .storage import empty_data_set, store_documents
from .summary import CHART_DAYS, RecordsSummary, records_summary, with_record_count, with_records_summary
from .urls import DATA_STORE_ROUTES
from .views.answers import data_store_error
from .writelog import DailyWrites, latest_writes, record_write

__all__ = [
    "CHART_DAYS",
    "DATA_STORE_ROUTES",
    "DEMO_CLIENT",
    "FRESH",
    "FRESHNESS_CHOICES",
    "NEVER",
    "STALE",
    "DailyWrites",
    "DemoPost",
    "Freshness",
    "Record",
    "RecordError",
    "RecordValidationError",
    "RecordsSummary",
    "WriteLogEntry",
    "breakable_name",
    "data_store_error",
    "demo_posts",
    "empty_data_set",
    "empty_for_demo",
    "freshness_badge",
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
    "with_stale_since",
    "write_demo_posts",
]
