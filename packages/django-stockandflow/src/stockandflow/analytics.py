"""Flow analytics computed in the database from the flow events: conversion between two stocks and
the time objects spend in a stock.

Both follow subjects through their events, so they need events that still point at their subject:
the events of deleted objects (subject NULL) are left out.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from .models import FlowEvent
from .stocks import Stock


@dataclass(frozen=True)
class Conversion:
    """Of the objects that entered `from_stock` in the period, how many entered `to_stock` after that
    (before the end of the period)."""

    from_stock: Stock
    to_stock: Stock
    entered: int
    converted: int

    @property
    def rate(self) -> float | None:
        """converted / entered, or None when nothing entered."""
        return self.converted / self.entered if self.entered else None


@dataclass(frozen=True)
class TimeInStock:
    """The stays in `stock` that ended in the period (the object left the stock then): how many, and
    their mean length from the object's last entry into the stock before it left."""

    stock: Stock
    stays: int
    mean: timedelta | None


def conversion(
    event_model: type[FlowEvent], from_stock: Stock, to_stock: Stock, start: datetime, end: datetime
) -> Conversion:
    """One query: distinct subjects entering `from_stock` in [start, end), and those of them with an
    entry into `to_stock` at or after their entry and before `end`."""
    events = _events(event_model)
    later = events.filter(
        subject=OuterRef("subject"),
        sink=to_stock.slug,
        timestamp__gte=OuterRef("timestamp"),
        timestamp__lt=end,
    )
    counts = events.filter(
        sink=from_stock.slug, timestamp__gte=start, timestamp__lt=end, subject__isnull=False
    ).aggregate(
        entered=Count("subject", distinct=True),
        converted=Count("subject", distinct=True, filter=Q(Exists(later))),
    )
    return Conversion(from_stock, to_stock, counts["entered"], counts["converted"])


def time_in_stock(event_model: type[FlowEvent], stock: Stock, start: datetime, end: datetime) -> TimeInStock:
    """One query: every exit from `stock` in [start, end) paired with the subject's latest entry into
    it before that exit; exits without a recorded entry (objects already there when tracking began)
    are left out."""
    events = _events(event_model)
    entered_at = Subquery(
        events.filter(subject=OuterRef("subject"), sink=stock.slug, timestamp__lte=OuterRef("timestamp"))
        .order_by("-timestamp")
        .values("timestamp")[:1],
        output_field=DateTimeField(),
    )
    stays = (
        events.filter(source=stock.slug, timestamp__gte=start, timestamp__lt=end, subject__isnull=False)
        .annotate(entered_at=entered_at)
        .filter(entered_at__isnull=False)
        .aggregate(
            stays=Count("pk"),
            mean=Avg(F("timestamp") - F("entered_at"), output_field=DurationField()),
        )
    )
    return TimeInStock(stock, stays["stays"], stays["mean"])


def _events(event_model: type[FlowEvent]) -> QuerySet[Any]:
    # Typed Any: `subject` is declared by each concrete event model, not by the abstract FlowEvent.
    return event_model._default_manager.all()
