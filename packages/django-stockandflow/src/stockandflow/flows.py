"""Flow: a named transition between stocks, its events and its per-period records."""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Model
from django.utils import timezone

from .counting import CountJob, CountResult, count_jobs
from .facets import Facet, normalise_facets, value_label
from .models import FlowFacetRecord, FlowRecord
from .stocks import Stock

EventCallable = Callable[[Model | None, Any, Any], None]


def stock_label(stock: Any) -> str | None:
    """How a source or sink is stored on an event: a stock's slug, a stand-in's text, or NULL."""
    if stock is None:
        return None
    if isinstance(stock, Stock):
        return stock.slug
    return str(stock)


class Flow:
    """The transition of objects from any of `sources` to any of `sinks`, e.g. "activating".

    None stands for outside every tracked stock (created, deleted); any other non-Stock value (an int,
    a string) is a stand-in for a state without a Stock. Events are rows of `event_model`, a concrete
    FlowEvent subclass whose `subject` points at the flowing object. Facets apply to the subjects
    (they are reached through "subject__"). Each of `event_callables` is called with
    (flowed_obj, source, sink) for every event, after it is stored.
    """

    def __init__(
        self,
        slug: str,
        name: str,
        event_model: type[Model],
        sources: Sequence[Any],
        sinks: Sequence[Any],
        facets: Iterable[Facet | tuple[Facet, str]] = (),
        event_callables: Iterable[EventCallable] = (),
        description: str = "",
    ) -> None:
        self.slug = slug
        self.name = name
        self.event_model = event_model
        self.sources = list(sources)
        self.sinks = list(sinks)
        self.facets = normalise_facets(facets)
        self.event_callables = list(event_callables)
        self.description = description

    def __repr__(self) -> str:
        return f"<Flow {self.slug}>"

    def __str__(self) -> str:
        return self.name

    def matches(self, source: Any, sink: Any) -> bool:
        return _contains(self.sources, source) and _contains(self.sinks, sink)

    def make_event(self, subject: Model | None, source: Any, sink: Any, label: str = "", at=None) -> Model:
        return self.event_model(
            flow=self.slug,
            subject=subject,
            subject_label=(label or str(subject or ""))[:255],
            source=stock_label(source),
            sink=stock_label(sink),
            timestamp=at or timezone.now(),
        )

    def add_event(self, subject: Model | None, source: Any, sink: Any, at=None) -> Model:
        event = self.make_event(subject, source, sink, at=at)
        event.save()
        self.run_callables(subject, source, sink)
        return event

    def run_callables(self, subject: Model | None, source: Any, sink: Any) -> None:
        for callable_ in self.event_callables:
            callable_(subject, source, sink)

    @property
    def events(self):
        return self.event_model.objects.filter(flow=self.slug)

    def events_between(self, start: datetime, end: datetime):
        return self.events.filter(timestamp__gte=start, timestamp__lt=end)

    def subject_facets(self) -> list[tuple[Facet, str]]:
        return [(facet, "subject__" + prefix if prefix else "subject") for facet, prefix in self.facets]


def _contains(stocks: list[Any], stock: Any) -> bool:
    # Stocks compare by identity (two Stock objects are never the same stock); stand-ins by value.
    return any(s is stock if isinstance(s, Stock) else s == stock for s in stocks)


def record_transitions(
    subject: Model | None,
    previous: Sequence[Any],
    current: Sequence[Any],
    flows: Iterable[Flow],
    label: str = "",
    at=None,
) -> list[Model]:
    """Compare two tuples of stocks element by element and store an event for every flow matching a
    changed element. Events go in with one INSERT per event model."""
    if len(previous) != len(current):
        raise ValueError(f"Can't compare states of different lengths: {previous!r} and {current!r}.")
    at = at or timezone.now()
    matched = [
        (flow, source, sink)
        for source, sink in zip(previous, current, strict=True)
        if not (source is sink or source == sink)
        for flow in flows
        if flow.matches(source, sink)
    ]
    by_model: dict[type[Model], list[Model]] = {}
    for flow, source, sink in matched:
        by_model.setdefault(flow.event_model, []).append(flow.make_event(subject, source, sink, label, at))
    events = [event for model, batch in by_model.items() for event in model.objects.bulk_create(batch)]
    for flow, source, sink in matched:
        flow.run_callables(subject, source, sink)
    return events


def count_flows(flows: Iterable[Flow], start: datetime, end: datetime) -> dict[str, CountResult]:
    """Events of each flow in [start, end) with facet breakdowns: one query per event model."""
    groups: dict[type[Model], list[Flow]] = {}
    for flow in flows:
        groups.setdefault(flow.event_model, []).append(flow)
    results: dict[str, CountResult] = {}
    facet_values: dict = {}
    for model, members in groups.items():
        base = model.objects.filter(timestamp__gte=start, timestamp__lt=end)
        jobs = [CountJob(f.slug, {"flow": f.slug}, f.subject_facets()) for f in members]
        results.update(count_jobs(base, jobs, facet_values))
    return results


def count_movements(flows: Iterable[Flow], start: datetime, end: datetime) -> dict[tuple[str, Any, Any], int]:
    """Events in [start, end) per (flow, source, sink): what entered or left each stock through each
    flow (a flow with several sources feeds more than one stock). One query per event model."""
    flows = list(flows)
    counts: dict[tuple[str, Any, Any], int] = {}
    for model in {flow.event_model for flow in flows}:
        rows = (
            model.objects.filter(flow__in=[f.slug for f in flows], timestamp__gte=start, timestamp__lt=end)
            .order_by()
            .values_list("flow", "source", "sink")
            .annotate(n=Count("pk"))
        )
        for flow, source, sink, n in rows:
            counts[(flow, source, sink)] = n
    return counts


def record_flows(flows: Iterable[Flow], start: datetime, end: datetime) -> list[FlowRecord]:
    """Store a FlowRecord per flow for [start, end), replacing any earlier record of that period."""
    flows = list(flows)
    counts = count_flows(flows, start, end)
    with transaction.atomic():
        FlowRecord.objects.filter(
            flow__in=[f.slug for f in flows], period_start=start, period_end=end
        ).delete()
        records = FlowRecord.objects.bulk_create(
            [
                FlowRecord(flow=f.slug, period_start=start, period_end=end, count=counts[f.slug].total)
                for f in flows
            ]
        )
        FlowFacetRecord.objects.bulk_create(
            [
                FlowFacetRecord(flow_record=record, facet=facet, value=value_label(value), count=n)
                for flow, record in zip(flows, records, strict=True)
                for facet, by_value in counts[flow.slug].facets.items()
                for value, n in by_value.items()
            ]
        )
    return records
