"""Realistic demo configuration for a local run: a few services, the shipped data types, a dozen data sets."""

import reversion
from django.db import transaction
from reversion.models import Version

from .models import DataGroup, DataSet, DataType
from .schema import shipped_data_type_schemas

DEMO_GROUPS = ["carers-allowance", "lasting-power-of-attorney", "vehicle-licensing", "prison-visits"]

# Daily data (a day's transactions, posted the next morning) is 26 to 50 hours old when fresh.
DAILY = 180000

# (group, type, overrides)
DEMO_DATA_SETS: list[tuple[str, str, dict[str, object]]] = [
    (
        "carers-allowance",
        "transactions-by-channel",
        {"auto_ids": "_timestamp,channel", "published": True, "max_age_expected": DAILY},
    ),
    ("carers-allowance", "customer-satisfaction", {"max_age_expected": 1300000, "published": True}),
    ("carers-allowance", "realtime", {"realtime": True, "capped_size": 4194304, "max_age_expected": 360}),
    ("carers-allowance", "monitoring", {"max_age_expected": 9000}),
    (
        "lasting-power-of-attorney",
        "transactions-by-channel",
        {"auto_ids": "_timestamp,channel", "max_age_expected": DAILY},
    ),
    ("lasting-power-of-attorney", "customer-satisfaction", {"published": True}),
    (
        "lasting-power-of-attorney",
        "realtime",
        {"realtime": True, "capped_size": 4194304, "max_age_expected": 360},
    ),
    (
        "vehicle-licensing",
        "transactions-by-channel",
        {"published": True, "raw_queries_allowed": False, "max_age_expected": DAILY},
    ),
    ("vehicle-licensing", "customer-satisfaction", {"max_age_expected": 5200000}),
    ("vehicle-licensing", "monitoring", {"max_age_expected": 9000, "published": True}),
    ("prison-visits", "transactions-by-channel", {"upload_format": "csv", "max_age_expected": DAILY}),
    ("prison-visits", "customer-satisfaction", {"upload_format": "excel", "max_age_expected": None}),
]


DEMO_COMMENT = "Loaded demo data."


def demo_token(group: str, type_: str) -> str:
    """Predictable tokens so the README's curl examples work against the demo data."""
    return f"demo-{group}-{type_}-token"


def load_demo_data() -> int:
    """Create whatever demo rows are missing, in one revision. Returns how many data sets it made."""
    created = 0
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(DEMO_COMMENT)
        for name, schema in shipped_data_type_schemas().items():
            data_type, _ = DataType.objects.get_or_create(name=name, defaults={"schema": schema})
            # The data migration can't version what it loads; give the shipped types a first
            # version here so their history and recovery work in the demo.
            if not Version.objects.get_for_object(data_type).exists():
                reversion.add_to_revision(data_type)
        groups = {name: DataGroup.objects.get_or_create(name=name)[0] for name in DEMO_GROUPS}
        types = {t.name: t for t in DataType.objects.all()}
        for group, type_, overrides in DEMO_DATA_SETS:
            if DataSet.objects.filter(data_group=groups[group], data_type=types[type_]).exists():
                continue
            DataSet.objects.create(
                data_group=groups[group],
                data_type=types[type_],
                bearer_token=demo_token(group, type_),
                **overrides,
            )
            created += 1
    return created
