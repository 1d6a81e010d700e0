"""A few demo records so the data set health report has fresh, stale and never-written data sets."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from stagecraft.apps.datasets.services import DataSet
from stagecraft.apps.records.services import Record

# data set name -> age of its newest record (data sets not listed stay never written)
DEMO_AGES = {
    "carers_allowance_transactions_by_channel": timedelta(hours=3),  # fresh (max age 1 day)
    "carers_allowance_customer_satisfaction": timedelta(days=20),  # stale (max age 15 days)
    "carers_allowance_realtime": timedelta(minutes=2),  # fresh (max age 6 minutes)
    "carers_allowance_monitoring": timedelta(hours=5),  # stale (max age 2.5 hours)
    "lasting_power_of_attorney_customer_satisfaction": timedelta(days=3),  # stale (max age 1 day)
    "vehicle_licensing_transactions_by_channel": timedelta(hours=20),  # fresh
    "prison_visits_customer_satisfaction": timedelta(days=90),  # fresh: never monitored
}


def write_demo_records(dry_run: bool = False) -> list[str]:
    """Add one record "demo-health" to each listed demo data set that exists; returns their names."""
    now = timezone.now()
    written = []
    with transaction.atomic():
        for data_set in DataSet.objects.filter(name__in=DEMO_AGES).order_by("name"):
            at = now - DEMO_AGES[data_set.name]
            if not dry_run:
                Record.objects.update_or_create(
                    data_set=data_set,
                    record_id="demo-health",
                    defaults={"timestamp": at, "updated_at": at, "data": {"_id": "demo-health"}},
                )
            written.append(data_set.name)
    return written
