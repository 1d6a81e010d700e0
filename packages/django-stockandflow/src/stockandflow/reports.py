"""What the reports show, computed once for the HTML page and the JSON feeds: the period asked for,
and a process's stocks, flows and analytics over it."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

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
    """?days=N (the last N days, default 7) or ?start=YYYY-MM-DD&end=YYYY-MM-DD (end day included)."""
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
            days = int(query.get("days", "7"))
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


@dataclass
class StockSummary:
    stock: Stock
    count: int  # now
    facets: dict[str, dict[Any, int]]  # facet slug -> value -> count, now
    inflows: list[tuple[Flow, int]]  # events of each inflow that entered this stock in the period
    outflows: list[tuple[Flow, int]]
    time_in_stock: TimeInStock | None
    history: list[StockRecord] = field(default_factory=list)  # recorded in the period


@dataclass
class FlowSummary:
    flow: Flow
    count: int  # events in the period
    facets: dict[str, dict[Any, int]]
    history: list[FlowRecord] = field(default_factory=list)  # recorded periods within the period


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
    flows (one per event model), movements (one per event model), stock and flow records (two), one
    per stock with flows in and out (time in stock), one per conversion, and one per queryset-valued
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
    pairs = [*process.conversions, *(conversions or [])]
    return ProcessSummary(
        process=process,
        start=start,
        end=end,
        stocks=list(stocks.values()),
        flows=list(flows.values()),
        conversions=[process.conversion(a, b, start, end) for a, b in pairs],
    )


def labelled(facets: dict[str, dict[Any, int]]) -> dict[str, dict[str, int]]:
    """Facet counts keyed by value labels, as the JSON feeds and exports show them."""
    return {slug: {value_label(v): n for v, n in by_value.items()} for slug, by_value in facets.items()}
