"""Demo alert recipients for a local run (./run_development.sh): the alerts of the carers-allowance
data sets go to one team address, printed in the development server's log by the console backend."""

from stagecraft.apps.datasets.services import DataGroup

from .models import AlertAddress

# data group name -> the address told about each of its data sets
DEMO_ADDRESSES = {"carers-allowance": "carers-allowance-team@example.org"}


def load_demo_alerts() -> list[str]:
    """Add the demo addresses that are missing, for the demo groups that exist; returns those added."""
    added = []
    for group in DataGroup.objects.filter(name__in=DEMO_ADDRESSES).order_by("name"):
        email = DEMO_ADDRESSES[group.name]
        _address, created = AlertAddress.objects.get_or_create(email=email, data_group=group)
        if created:
            added.append(f"{email} ({group.name})")
    return added
