"""The scheduled staleness check: records going stale, recovering and the rest as flow events."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from stagecraft.apps.datasets.services import DataSet
from stagecraft.apps.records.services import with_freshness
from stockandflow.flows import record_transitions

from .definitions import FRESHNESS_FLOWS, FRESHNESS_STOCKS
from .models import DataSetFreshness
from .signals import freshness_changed


@dataclass
class CheckSummary:
    checked: int = 0
    new: int = 0
    changed: int = 0
    events: int = 0


def check_freshness(now: datetime) -> CheckSummary:
    """Compare each data set's freshness now with what the last check saw; record the moves.

    Each move is also sent as the `freshness_changed` signal (signals.py), in the same transaction.
    """
    summary = CheckSummary()
    current = dict(with_freshness(DataSet.objects.all(), now).values_list("pk", "freshness"))
    summary.checked = len(current)
    with transaction.atomic():
        known = {row.data_set_id: row for row in DataSetFreshness.objects.select_for_update()}
        new_rows = [
            DataSetFreshness(data_set_id=pk, state=state, changed_at=now)
            for pk, state in current.items()
            if pk not in known
        ]
        changed = [
            (known[pk], state) for pk, state in current.items() if pk in known and known[pk].state != state
        ]
        subjects = DataSet.objects.in_bulk([row.data_set_id for row, _state in changed])
        for row, state in changed:
            events = record_transitions(
                subjects[row.data_set_id],
                (FRESHNESS_STOCKS[row.state],),
                (FRESHNESS_STOCKS[state],),
                FRESHNESS_FLOWS,
                at=now,
            )
            summary.events += len(events)
            freshness_changed.send(
                sender=check_freshness,
                data_set=subjects[row.data_set_id],
                old_state=row.state,
                new_state=state,
                at=now,
                old_since=row.changed_at,
            )
            row.state, row.changed_at = state, now
        DataSetFreshness.objects.bulk_create(new_rows)
        DataSetFreshness.objects.bulk_update([row for row, _state in changed], ["state", "changed_at"])
    summary.new, summary.changed = len(new_rows), len(changed)
    return summary
