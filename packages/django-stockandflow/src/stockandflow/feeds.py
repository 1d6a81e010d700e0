"""JSON feeds for dashboards (staff only): a stock, a flow, a whole process over a period.

Periods are asked for as on the reports (?days=N or ?start=YYYY-MM-DD&end=YYYY-MM-DD); errors are
{"error": "..."} with status 400 or 404. Facet values are shown as labels ("yes", "no", "(none)").
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, JsonResponse

from . import registry
from .analytics import Conversion, TimeInStock
from .flows import Flow, count_flows, stock_label
from .models import FlowRecord, StockRecord
from .reports import BadPeriod, labelled, parse_conversion, parse_period, summarise
from .stocks import count_stocks


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@staff_member_required
def stock_json(request: HttpRequest, slug: str) -> JsonResponse:
    """The stock's current count and facet counts, and its recorded history in the period."""
    try:
        stock = registry.get_stock(slug)
    except KeyError:
        return _error(f"No stock named {slug!r}.", 404)
    try:
        start, end = parse_period(request.GET)
    except BadPeriod as error:
        return _error(str(error), 400)
    counted = count_stocks([stock])[stock.slug]
    records = StockRecord.objects.filter(stock=stock.slug, timestamp__gte=start, timestamp__lt=end)
    return JsonResponse(
        {
            "stock": stock.slug,
            "name": stock.name,
            "count": counted.total,
            "facets": labelled(counted.facets),
            "history": [
                {"timestamp": r.timestamp.isoformat(), "count": r.count}
                for r in records.order_by("timestamp")
            ],
        }
    )


@staff_member_required
def flow_json(request: HttpRequest, slug: str) -> JsonResponse:
    """The flow's events in the period (with the facet values they stored) and its recorded periods."""
    try:
        flow = registry.get_flow(slug)
    except KeyError:
        return _error(f"No flow named {slug!r}.", 404)
    try:
        start, end = parse_period(request.GET)
    except BadPeriod as error:
        return _error(str(error), 400)
    counted = count_flows([flow], start, end)[flow.slug]
    records = FlowRecord.objects.filter(flow=flow.slug, period_start__gte=start, period_end__lte=end)
    return JsonResponse(
        {
            **_flow_head(flow),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "count": counted.total,
            "facets": labelled(counted.facets),
            "history": [
                {
                    "period_start": r.period_start.isoformat(),
                    "period_end": r.period_end.isoformat(),
                    "count": r.count,
                }
                for r in records.order_by("period_start")
            ],
        }
    )


def _flow_head(flow: Flow) -> dict:
    return {
        "flow": flow.slug,
        "name": flow.name,
        "description": flow.description,
        "sources": [stock_label(s) for s in flow.sources],
        "sinks": [stock_label(s) for s in flow.sinks],
    }


@staff_member_required
def process_json(request: HttpRequest, slug: str) -> JsonResponse:
    """What the process's report shows, as data: each stock now (with its moves, time in stock and
    history over the period), each flow over the period, and the conversions."""
    try:
        process = registry.get_process(slug)
    except KeyError:
        return _error(f"No process named {slug!r}.", 404)
    try:
        start, end = parse_period(request.GET)
        extra = parse_conversion(process, request.GET)
    except BadPeriod as error:
        return _error(str(error), 400)
    summary = summarise(process, start, end, [extra] if extra else None)
    stocks = [
        {
            "stock": item.stock.slug,
            "name": item.stock.name,
            "count": item.count,
            "facets": labelled(item.facets),
            "inflows": {flow.slug: n for flow, n in item.inflows},
            "outflows": {flow.slug: n for flow, n in item.outflows},
            "time_in_stock": _time_in_stock(item.time_in_stock),
            "history": [{"timestamp": r.timestamp.isoformat(), "count": r.count} for r in item.history],
        }
        for item in summary.stocks
    ]
    flows = [
        {**_flow_head(item.flow), "count": item.count, "facets": labelled(item.facets)}
        for item in summary.flows
    ]
    return JsonResponse(
        {
            "process": process.slug,
            "name": process.name,
            "description": process.description,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "stocks": stocks,
            "flows": flows,
            "conversions": [_conversion(c) for c in summary.conversions],
        }
    )


def _time_in_stock(value: TimeInStock | None) -> dict | None:
    if value is None:
        return None
    mean = value.mean.total_seconds() if value.mean is not None else None
    return {"stays": value.stays, "mean_seconds": mean}


def _conversion(value: Conversion) -> dict:
    return {
        "from": value.from_stock.slug,
        "to": value.to_stock.slug,
        "entered": value.entered,
        "converted": value.converted,
        "rate": value.rate,
    }
