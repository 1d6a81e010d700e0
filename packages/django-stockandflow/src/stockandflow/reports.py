"""What the reports show, computed once for the HTML page and the JSON feeds: the period asked for,
and a process's stocks, flows and analytics over it."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

from .analytics import Conversion, TimeInStock
from .facets import value_label
from .flows import Flow, count_flows, count_movements
from .models import FlowRecord, StockRecord
from .process import Process
from .stocks import Stock, count_stocks

MAX_DAYS = 366


class BadPeriod(ValueError):
    pass


def parse_period(query: QueryDict) -> tuple[datetime, datetime]:
    """?days=N (the last N days; by default settings.STOCKANDFLOW_REPORT_DAYS, else 7) or
    ?start=YYYY-MM-DD&end=YYYY-MM-DD (end day included)."""
    start_text, end_text = query.get("start"), query.get("end")
    if start_text or end_text:
        try:
            start_day = datetime.strptime(start_text or "", "%Y-%m-%d").date()
            end_day = datetime.strptime(end_text or "", "%Y-%m-%d").date()
        except ValueError:
            raise BadPeriod("start and end must both be dates written YYYY-MM-DD.") from None
        if end_day < start_day:
            raise BadPeriod("end must not be before start.")
        start = datetime.combine(start_day, time(), tzinfo=UTC)
        end = datetime.combine(end_day + timedelta(days=1), time(), tzinfo=UTC)
    else:
        try:
            days = int(query.get("days", str(default_days())))
        except ValueError:
            raise BadPeriod("days must be a whole number.") from None
        if days < 1:
            raise BadPeriod("days must be at least 1.")
        # Periods are half-open [start, end): end just after now so that what happened now counts.
        now = timezone.now()
        start, end = now - timedelta(days=min(days, MAX_DAYS + 1)), now + timedelta(microseconds=1)
    if end - start > timedelta(days=MAX_DAYS):
        raise BadPeriod(f"Choose a period of at most {MAX_DAYS} days.")
    return start, end


def default_days() -> int:
    """The period shown without ?days or ?start and ?end: settings.STOCKANDFLOW_REPORT_DAYS (7)."""
    return int(getattr(settings, "STOCKANDFLOW_REPORT_DAYS", 7))


def parse_conversion(process: Process, query: QueryDict) -> tuple[Stock, Stock] | None:
    """?from=<stock>&to=<stock>: one more conversion to show, between two stocks of the process."""
    from_slug, to_slug = query.get("from"), query.get("to")
    if not from_slug and not to_slug:
        return None
    try:
        return process.stock(from_slug or ""), process.stock(to_slug or "")
    except KeyError:
        choices = ", ".join(s.slug for s in process.stocks)
        raise BadPeriod(f"from and to must both name a stock of {process.name}: {choices}.") from None


# A chart needs at least this many recorded counts (stock records, flow records) in the period;
# with fewer, the report says there is too little history instead of drawing a dot.
MIN_HISTORY = 2


@dataclass(frozen=True)
class Point:
    """A stock's count at a moment: recorded, or (recorded=False) the count now, which ends the chart
    of a period that reaches now, so the chart ends at the report's headline figure."""

    at: datetime
    count: int
    recorded: bool = True


@dataclass(frozen=True)
class Bar:
    """A flow's events in [start, end): a flow record, or (recorded=False) counted from the events for
    the part of the period no record covers (its start, and the period so far), so that the bars add
    up to the report's headline figure."""

    start: datetime
    end: datetime
    count: int
    recorded: bool = True


@dataclass
class StockSummary:
    stock: Stock
    count: int  # now
    facets: dict[str, dict[Any, int]]  # facet slug -> value -> count, now
    inflows: list[tuple[Flow, int]]  # events of each inflow that entered this stock in the period
    outflows: list[tuple[Flow, int]]
    time_in_stock: TimeInStock | None
    history: list[StockRecord] = field(default_factory=list)  # recorded in the period
    points: list[Point] = field(default_factory=list)  # the history, then now if the period reaches it

    @property
    def enough_history(self) -> bool:
        return len(self.history) >= MIN_HISTORY


@dataclass
class FlowSummary:
    flow: Flow
    count: int  # events in the period
    facets: dict[str, dict[Any, int]]
    history: list[FlowRecord] = field(default_factory=list)  # recorded periods within the period
    bars: list[Bar] = field(default_factory=list)  # the whole period: records, and counted edges

    @property
    def enough_history(self) -> bool:
        return len(self.history) >= MIN_HISTORY


@dataclass
class ProcessSummary:
    process: Process
    start: datetime
    end: datetime
    stocks: list[StockSummary]
    flows: list[FlowSummary]
    conversions: list[Conversion]


def summarise(
    process: Process, start: datetime, end: datetime, conversions: list[tuple[Stock, Stock]] | None = None
) -> ProcessSummary:
    """The process over [start, end). Queries: the stocks (one grouped query per shared base), the
    flows (one per event model), movements (one per event model), stock and flow records (two), the
    flows' edges no record covers (one per event model and distinct edge: usually two), one per
    stock with flows in and out (time in stock), one per conversion, and one per queryset-valued
    facet for the stocks and again for the flows."""
    stock_counts = count_stocks(process.stocks)
    flow_counts = count_flows(process.flows, start, end)
    movements = count_movements(process.flows, start, end)

    def moved(flow: Flow, source: str | None = None, sink: str | None = None) -> int:
        return sum(
            n
            for (slug, from_, to), n in movements.items()
            if slug == flow.slug and (source is None or from_ == source) and (sink is None or to == sink)
        )

    stocks = {
        stock.slug: StockSummary(
            stock=stock,
            count=stock_counts[stock.slug].total,
            facets=stock_counts[stock.slug].facets,
            inflows=[(f, moved(f, sink=stock.slug)) for f in process.inflows(stock)],
            outflows=[(f, moved(f, source=stock.slug)) for f in process.outflows(stock)],
            time_in_stock=process.time_in_stock(stock, start, end),
        )
        for stock in process.stocks
    }
    for record in StockRecord.objects.filter(
        stock__in=stocks, timestamp__gte=start, timestamp__lt=end
    ).order_by("timestamp"):
        stocks[record.stock].history.append(record)
    flows = {
        flow.slug: FlowSummary(flow, flow_counts[flow.slug].total, flow_counts[flow.slug].facets)
        for flow in process.flows
    }
    for flow_record in FlowRecord.objects.filter(
        flow__in=flows, period_start__gte=start, period_end__lte=end
    ).order_by("period_start"):
        flows[flow_record.flow].history.append(flow_record)
    now = timezone.now()
    for item in stocks.values():
        item.points = [Point(r.timestamp, r.count) for r in item.history]
        if start <= now < end:
            item.points.append(Point(now, item.count, recorded=False))
    _add_bars(list(flows.values()), start, end)
    pairs = [*process.conversions, *(conversions or [])]
    return ProcessSummary(
        process=process,
        start=start,
        end=end,
        stocks=list(stocks.values()),
        flows=list(flows.values()),
        conversions=[process.conversion(a, b, start, end) for a, b in pairs],
    )


def _add_bars(flows: list[FlowSummary], start: datetime, end: datetime) -> None:
    """Each flow's bars over [start, end): its records, and the edges they leave uncovered counted
    from the events, one query per distinct edge (flows recorded on one schedule share their edges)."""
    uncovered: list[list[tuple[datetime, datetime]]] = []
    for item in flows:
        if item.history:
            edges = [(start, item.history[0].period_start), (item.history[-1].period_end, end)]
        else:
            edges = [(start, end)]
        uncovered.append([(a, b) for a, b in edges if a < b])
    by_edge: dict[tuple[datetime, datetime], list[Flow]] = {}
    for item, edges in zip(flows, uncovered, strict=True):
        for edge in edges:
            by_edge.setdefault(edge, []).append(item.flow)
    counted = {edge: count_flows(members, *edge) for edge, members in by_edge.items()}
    for item, edges in zip(flows, uncovered, strict=True):
        bars = [Bar(r.period_start, r.period_end, r.count) for r in item.history]
        bars += [Bar(a, b, counted[(a, b)][item.flow.slug].total, recorded=False) for a, b in edges]
        item.bars = sorted(bars, key=lambda bar: bar.start)


def labelled(facets: dict[str, dict[Any, int]]) -> dict[str, dict[str, int]]:
    """Facet counts keyed by value labels, as the JSON feeds and exports show them."""
    return {slug: {value_label(v): n for v, n in by_value.items()} for slug, by_value in facets.items()}
