"""Flow: a named transition between stocks, its events and its per-period records."""

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from django.db import router, transaction
from django.db.models import Count, Model, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from .counting import CountJob, CountResult, count_jobs
from .facets import Facet, normalise_facets, read_facet_labels, value_label
from .models import FlowEvent, FlowFacetRecord, FlowRecord
from .stocks import Stock

logger = logging.getLogger(__name__)

EventCallable = Callable[[Model | None, Any, Any], None]
FacetLabels = dict[str, str]  # facet lookup (from the subject) -> value label


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
    FlowEvent subclass whose `subject` points at the flowing object; every Stock among the sources and
    sinks must hold objects of that model. Facets apply to the subjects: each event keeps the
    subject's value of each facet at the time of the event. Each of `event_callables` is called with
    (flowed_obj, source, sink) for every event, once the transaction that stored it has committed
    (never for an event rolled back); one that raises is logged and doesn't stop the others.
    """

    def __init__(
        self,
        slug: str,
        name: str,
        event_model: type[FlowEvent],
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
        _check_one_model(self)
        _check_facet_slugs(self)

    def __repr__(self) -> str:
        return f"<Flow {self.slug}>"

    def __str__(self) -> str:
        return self.name

    def matches(self, source: Any, sink: Any) -> bool:
        return _contains(self.sources, source) and _contains(self.sinks, sink)

    def facet_lookups(self) -> list[str]:
        """The lookups, from the subject, of this flow's facets."""
        return [facet.lookup(prefix) for facet, prefix in self.facets]

    def facet_values_of(self, labels: FacetLabels) -> dict[str, str]:
        """What an event stores: {facet slug: value label}, from {lookup: value label}."""
        return {
            facet.slug: labels[facet.lookup(prefix)]
            for facet, prefix in self.facets
            if facet.lookup(prefix) in labels
        }

    def make_event(
        self,
        subject: Model | None,
        source: Any,
        sink: Any,
        label: str = "",
        at: datetime | None = None,
        facet_labels: FacetLabels | None = None,
    ) -> FlowEvent:
        """An unsaved event; `facet_labels` ({lookup: value label}) gives the subject's facet values."""
        fields: dict[str, Any] = {
            "flow": self.slug,
            "subject": subject,  # declared by each concrete event model, not by the abstract FlowEvent
            "subject_label": (label or str(subject or ""))[:255],
            "source": stock_label(source),
            "sink": stock_label(sink),
            "timestamp": at or timezone.now(),
            "facet_values": self.facet_values_of(facet_labels or {}),
        }
        return self.event_model(**fields)

    def add_event(
        self, subject: Model | None, source: Any, sink: Any, at: datetime | None = None
    ) -> FlowEvent:
        """Store one event now (or `at`), reading the subject's facet values (one query if it has facets)."""
        return self.add_events([subject], source, sink, at=at)[0]

    def add_events(
        self, subjects: Sequence[Model | None], source: Any, sink: Any, at: datetime | None = None
    ) -> list[FlowEvent]:
        """Store one event per subject, all moving from `source` to `sink`: one INSERT, and one query
        reading the subjects' facet values when the flow has facets."""
        stored = [s for s in subjects if s is not None and s.pk is not None]
        labels = (
            read_facet_labels(type(stored[0]), [s.pk for s in stored], self.facet_lookups()) if stored else {}
        )
        events = self.event_model._default_manager.bulk_create(
            [
                self.make_event(subject, source, sink, at=at, facet_labels=_labels_of(labels, subject))
                for subject in subjects
            ]
        )
        for subject in subjects:
            self.run_callables(subject, source, sink)
        return events

    def run_callables(self, subject: Model | None, source: Any, sink: Any) -> None:
        """Call the event callables once the current transaction commits (at once outside one)."""
        if self.event_callables:
            transaction.on_commit(
                partial(self._call_each, subject, source, sink), using=router.db_for_write(self.event_model)
            )

    def _call_each(self, subject: Model | None, source: Any, sink: Any) -> None:
        for callable_ in self.event_callables:
            try:
                callable_(subject, source, sink)
            except Exception:  # the event is stored: one broken callable must not lose the others
                logger.exception(
                    "An event callable of the flow %s failed for %r (%s -> %s): %r",
                    self.slug,
                    subject,
                    stock_label(source),
                    stock_label(sink),
                    callable_,
                )

    @property
    def events(self) -> QuerySet[Any]:
        """The flow's events. Typed Any: `subject`, which lookups reach through, is declared by each
        concrete event model, not by the abstract FlowEvent that type checkers see."""
        return self.event_model._default_manager.filter(flow=self.slug)

    def events_between(self, start: datetime, end: datetime) -> QuerySet[Any]:
        return self.events.filter(timestamp__gte=start, timestamp__lt=end)


def _contains(stocks: list[Any], stock: Any) -> bool:
    # Stocks compare by identity (two Stock objects are never the same stock); stand-ins by value.
    return any(s is stock if isinstance(s, Stock) else s == stock for s in stocks)


def _check_one_model(flow: Flow) -> None:
    """A flow moves objects of one model: refuse stocks of several models, or of another model than
    the event model's subject (as the seed did), when the flow is declared."""
    by_model: dict[type[Model], list[str]] = {}
    for stock in [*flow.sources, *flow.sinks]:
        if isinstance(stock, Stock):
            by_model.setdefault(stock.model._meta.concrete_model or stock.model, []).append(stock.slug)
    if len(by_model) > 1:
        described = "; ".join(
            f"{', '.join(dict.fromkeys(slugs))}: {model.__name__}" for model, slugs in by_model.items()
        )
        raise ValueError(
            f"The flow {flow.slug!r} joins stocks of different models ({described}). A flow moves objects "
            "of one model between its stocks: declare one flow (and one FlowEvent model) per model."
        )
    subject_model = flow.event_model.subject_model()
    if by_model and subject_model is not None:
        ((model, slugs),) = by_model.items()
        if model is not (subject_model._meta.concrete_model or subject_model):
            raise ValueError(
                f"The flow {flow.slug!r} stores its events in {flow.event_model.__name__}, whose subject is "
                f"a {subject_model.__name__}, but its stocks ({', '.join(dict.fromkeys(slugs))}) hold "
                f"{model.__name__} objects. "
                f"Use a FlowEvent model whose subject is a {model.__name__}."
            )


def _check_facet_slugs(flow: Flow) -> None:
    slugs = [facet.slug for facet, _prefix in flow.facets]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise ValueError(
            f"The flow {flow.slug!r} has several facets named {', '.join(duplicates)}: events keep facet "
            "values by slug, so give each facet of a flow its own slug."
        )


def _labels_of(labels: dict[Any, FacetLabels], subject: Model | None) -> FacetLabels:
    return labels.get(subject.pk, {}) if subject is not None else {}


def record_transitions(
    subject: Model | None,
    previous: Sequence[Any],
    current: Sequence[Any],
    flows: Iterable[Flow],
    label: str = "",
    at: datetime | None = None,
    facet_labels: FacetLabels | None = None,
) -> list[FlowEvent]:
    """Compare two tuples of stocks element by element and store an event for every flow matching a
    changed element. Events go in with one INSERT per event model, after one query reading the
    subject's facet values when a matching flow has facets (unless `facet_labels`, {lookup: value
    label}, gives them: the tracker reads them before a deletion)."""
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
    if facet_labels is None:
        lookups = {lookup for flow, _source, _sink in matched for lookup in flow.facet_lookups()}
        facet_labels = _read_subject_labels(subject, lookups)
    by_model: dict[type[FlowEvent], list[FlowEvent]] = {}
    for flow, source, sink in matched:
        by_model.setdefault(flow.event_model, []).append(
            flow.make_event(subject, source, sink, label, at, facet_labels)
        )
    events = [
        event for model, batch in by_model.items() for event in model._default_manager.bulk_create(batch)
    ]
    for flow, source, sink in matched:
        flow.run_callables(subject, source, sink)
    return events


def _read_subject_labels(subject: Model | None, lookups: set[str]) -> FacetLabels:
    if subject is None or subject.pk is None:
        return {}
    return read_facet_labels(type(subject), [subject.pk], sorted(lookups)).get(subject.pk, {})


def _facet_column(slug: str) -> str:
    return "sf_facet_" + "".join(c if c.isalnum() else "_" for c in slug)


def count_flows(flows: Iterable[Flow], start: datetime, end: datetime) -> dict[str, CountResult]:
    """Events of each flow in [start, end) with breakdowns by the facet values the events stored:
    one query per event model."""
    groups: dict[type[FlowEvent], list[Flow]] = {}
    for flow in flows:
        groups.setdefault(flow.event_model, []).append(flow)
    results: dict[str, CountResult] = {}
    facet_values: dict = {}
    for model, members in groups.items():
        slugs = {facet.slug for flow in members for facet, _prefix in flow.facets}
        base = model._default_manager.filter(timestamp__gte=start, timestamp__lt=end).annotate(
            **{_facet_column(slug): KeyTextTransform(slug, "facet_values") for slug in slugs}
        )
        jobs = [
            CountJob(
                f.slug, {"flow": f.slug}, [(facet, _facet_column(facet.slug)) for facet, _ in f.facets], True
            )
            for f in members
        ]
        results.update(count_jobs(base, jobs, facet_values))
    return results


def count_movements(flows: Iterable[Flow], start: datetime, end: datetime) -> dict[tuple[str, Any, Any], int]:
    """Events in [start, end) per (flow, source, sink): what entered or left each stock through each
    flow (a flow with several sources feeds more than one stock). One query per event model."""
    flows = list(flows)
    counts: dict[tuple[str, Any, Any], int] = {}
    for model in {flow.event_model for flow in flows}:
        rows = (
            model._default_manager.filter(
                flow__in=[f.slug for f in flows], timestamp__gte=start, timestamp__lt=end
            )
            .order_by()
            .values_list("flow", "source", "sink")
            .annotate(n=Count("pk"))
        )
        for flow, source, sink, n in rows:
            counts[(flow, source, sink)] = n
    return counts


def count_all_events(flows: Iterable[Flow]) -> dict[str, int]:
    """Every event each flow has stored, ever: one GROUP BY query per event model."""
    flows = list(flows)
    counts = dict.fromkeys((f.slug for f in flows), 0)
    for model in {flow.event_model for flow in flows}:
        rows = (
            model._default_manager.filter(flow__in=[f.slug for f in flows if f.event_model is model])
            .order_by()
            .values_list("flow")
            .annotate(n=Count("pk"))
        )
        counts.update(dict(rows))
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
