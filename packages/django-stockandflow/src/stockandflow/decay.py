"""Decay: moving the members of one stock to another once they have been in it long enough."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from .flows import Flow
from .stocks import Stock


class Decay:
    """Every member of `source` whose `age_field` is older than `older_than` moves to `sink`.

    The move sets `set_fields` (values, or callables given the current time, e.g. to restart the age
    clock) with one UPDATE, and `flow` records one event per moved object (one INSERT, after one
    SELECT of their facet values when the flow has facets), so decays show in the flow records like
    any other move. The UPDATE sends no signals, so a ModelTracker on the same fields does not record
    the move a second time.
    """

    def __init__(
        self,
        flow: Flow,
        source: Stock,
        sink: Stock,
        age_field: str,
        older_than: timedelta,
        set_fields: dict[str, Any | Callable[[datetime], Any]],
    ) -> None:
        if not flow.matches(source, sink):
            raise ValueError(f"The flow {flow.slug} doesn't go from {source.slug} to {sink.slug}.")
        self.flow = flow
        self.source = source
        self.sink = sink
        self.age_field = age_field
        self.older_than = older_than
        self.set_fields = set_fields

    def __repr__(self) -> str:
        return f"<Decay {self.source.slug} -> {self.sink.slug} after {self.older_than}>"

    def run(self, now: datetime | None = None) -> int:
        """Move the members that are due; returns how many moved."""
        now = now or timezone.now()
        cutoff = now - self.older_than
        values = {name: value(now) if callable(value) else value for name, value in self.set_fields.items()}
        with transaction.atomic():
            due = self.source.queryset.filter(**{f"{self.age_field}__lt": cutoff}).select_for_update()
            subjects = list(due.order_by("pk"))
            if not subjects:
                return 0
            self.source.model._base_manager.filter(pk__in=[s.pk for s in subjects]).update(**values)
            # The events keep the facet values the subjects have once moved; their callables run once
            # this transaction has committed.
            self.flow.add_events(subjects, self.source, self.sink, at=now)
        return len(subjects)
