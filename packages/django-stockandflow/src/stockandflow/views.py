"""Staff reports: a page per process, CSV exports of its records, a JSON feed per stock."""

import csv
from datetime import UTC, datetime, time, timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from . import registry
from .charts import bar_chart, line_chart
from .facets import value_label
from .flows import count_flows, count_movements
from .models import FlowRecord, StockRecord
from .process import Process
from .stocks import count_stocks

MAX_DAYS = 366


class BadPeriod(ValueError):
    pass


def parse_period(request: HttpRequest) -> tuple[datetime, datetime]:
    """?days=N (the last N days, default 7) or ?start=YYYY-MM-DD&end=YYYY-MM-DD (end day included)."""
    now = timezone.now()
    start_text, end_text = request.GET.get("start"), request.GET.get("end")
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
            days = int(request.GET.get("days", "7"))
        except ValueError:
            raise BadPeriod("days must be a whole number.") from None
        # Periods are half-open [start, end): end just after now so that what happened now counts.
        start, end = now - timedelta(days=days), now + timedelta(microseconds=1)
        if days < 1:
            raise BadPeriod("days must be at least 1.")
    if end - start > timedelta(days=MAX_DAYS):
        raise BadPeriod(f"Choose a period of at most {MAX_DAYS} days.")
    return start, end


def _process_or_404(slug: str) -> Process:
    try:
        return registry.get_process(slug)
    except KeyError:
        raise Http404(f"No stock-and-flow process named {slug!r}.") from None


@staff_member_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "stockandflow/index.html", {"processes": registry.processes(), "title": "Metrics"})


@staff_member_required
def process_report(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process_or_404(slug)
    try:
        start, end = parse_period(request)
    except BadPeriod as error:
        return HttpResponseBadRequest(str(error))
    stock_counts = count_stocks(process.stocks)
    flow_counts = count_flows(process.flows, start, end)
    movements = count_movements(process.flows, start, end)

    def moved(flow, source=None, sink=None) -> int:
        return sum(
            n
            for (slug, from_, to), n in movements.items()
            if slug == flow.slug and (source is None or from_ == source) and (sink is None or to == sink)
        )

    history: dict[str, list] = {s.slug: [] for s in process.stocks}
    for record in StockRecord.objects.filter(
        stock__in=history, timestamp__gte=start, timestamp__lt=end
    ).order_by("timestamp"):
        history[record.stock].append((record.timestamp, record.count))
    flow_bars: dict[str, list] = {f.slug: [] for f in process.flows}
    for record in FlowRecord.objects.filter(
        flow__in=flow_bars, period_start__gte=start, period_end__lte=end
    ).order_by("period_start"):
        flow_bars[record.flow].append((f"{record.period_start:%d %b}", record.count))
    stocks = [
        {
            "stock": stock,
            "count": stock_counts[stock.slug].total,
            "facets": _facet_rows(stock, stock_counts[stock.slug].facets),
            "inflows": [(f, moved(f, sink=stock.slug)) for f in process.inflows(stock)],
            "outflows": [(f, moved(f, source=stock.slug)) for f in process.outflows(stock)],
            "chart": line_chart(history[stock.slug], f"{stock.name} over time"),
        }
        for stock in process.stocks
    ]
    flows = [
        {
            "flow": flow,
            "count": flow_counts[flow.slug].total,
            "facets": _facet_rows(flow, flow_counts[flow.slug].facets),
            "chart": bar_chart(flow_bars[flow.slug], f"{flow.name} per period"),
        }
        for flow in process.flows
    ]
    context = {
        "title": process.name,
        "process": process,
        "stocks": stocks,
        "flows": flows,
        "start": start,
        "end": end,
        "query": request.GET.urlencode(),
    }
    return render(request, "stockandflow/process.html", context)


def _facet_rows(item, facets: dict) -> list[dict]:
    names = {facet.slug: facet.name for facet, _prefix in item.facets}
    return [
        {
            "slug": slug,
            "name": names.get(slug, slug),
            "values": [(value_label(v), v, n) for v, n in by_value.items()],
        }
        for slug, by_value in facets.items()
    ]


@staff_member_required
def records_csv(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """Every stock (or flow) record of the process in the period, one row per facet value
    (facet and value empty on the total's row)."""
    process = _process_or_404(slug)
    try:
        start, end = parse_period(request)
    except BadPeriod as error:
        return HttpResponseBadRequest(str(error))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{process.slug}-{kind}-records.csv"'
    writer = csv.writer(response)
    if kind == "stock":
        writer.writerow(["stock", "timestamp", "facet", "value", "count"])
        records = StockRecord.objects.filter(
            stock__in=[s.slug for s in process.stocks], timestamp__gte=start, timestamp__lt=end
        ).prefetch_related("facet_records")
        for record in records.order_by("stock", "timestamp"):
            writer.writerow([record.stock, record.timestamp.isoformat(), "", "", record.count])
            for facet in record.facet_records.all():
                writer.writerow(
                    [record.stock, record.timestamp.isoformat(), facet.facet, facet.value, facet.count]
                )
    else:
        writer.writerow(["flow", "period_start", "period_end", "facet", "value", "count"])
        records = FlowRecord.objects.filter(
            flow__in=[f.slug for f in process.flows], period_start__gte=start, period_end__lte=end
        ).prefetch_related("facet_records")
        for record in records.order_by("flow", "period_start"):
            times = [record.period_start.isoformat(), record.period_end.isoformat()]
            writer.writerow([record.flow, *times, "", "", record.count])
            for facet in record.facet_records.all():
                writer.writerow([record.flow, *times, facet.facet, facet.value, facet.count])
    return response


@staff_member_required
def stock_json(request: HttpRequest, slug: str) -> JsonResponse:
    """The stock's current count and facet counts, and its recorded history in the period."""
    try:
        stock = registry.get_stock(slug)
    except KeyError:
        return JsonResponse({"error": f"No stock named {slug!r}."}, status=404)
    try:
        start, end = parse_period(request)
    except BadPeriod as error:
        return JsonResponse({"error": str(error)}, status=400)
    counted = count_stocks([stock])[stock.slug]
    records = StockRecord.objects.filter(stock=stock.slug, timestamp__gte=start, timestamp__lt=end)
    return JsonResponse(
        {
            "stock": stock.slug,
            "name": stock.name,
            "count": counted.total,
            "facets": {
                facet: {value_label(v): n for v, n in by_value.items()}
                for facet, by_value in counted.facets.items()
            },
            "history": [
                {"timestamp": r.timestamp.isoformat(), "count": r.count}
                for r in records.order_by("timestamp")
            ],
        }
    )


@staff_member_required
def step_members(request: HttpRequest, slug: str, stock_slug: str) -> HttpResponse:
    """Go through a stock's members (optionally of one facet value) one at a time."""
    process = _process_or_404(slug)
    try:
        stock = process.stock(stock_slug)
    except KeyError:
        raise Http404(f"The process {slug} has no stock {stock_slug!r}.") from None
    facet = value = None
    if request.GET.get("facet"):
        try:
            facet = stock.facet(request.GET["facet"])
        except KeyError as error:
            return HttpResponseBadRequest(str(error.args[0]))
        labels = {value_label(v): v for v in (facet.get_values() or [])}
        if request.GET.get("value") not in labels:
            return HttpResponseBadRequest(f"Choose one of the values of {facet.name}: {', '.join(labels)}.")
        value = labels[request.GET["value"]]
    at = request.GET.get("at") or None
    if at is not None and not at.isdigit():
        return HttpResponseBadRequest("at must be a member's numeric id.")
    step = process.step(stock, at=at, facet=facet, value=value)
    base_query = request.GET.copy()
    base_query.pop("at", None)
    context = {
        "title": f"{stock.name}: members",
        "process": process,
        "stock": stock,
        "facet": facet,
        "value_label": request.GET.get("value", ""),
        "step": step,
        "base_query": base_query.urlencode(),
    }
    return render(request, "stockandflow/step.html", context)
