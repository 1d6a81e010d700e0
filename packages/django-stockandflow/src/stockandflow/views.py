"""Staff reports: a page per process, CSV exports of its records, stepping through a stock's members.
The JSON feeds are in feeds.py, the OpenMetrics endpoint in openmetrics.py.

The pages extend admin/base_site.html and get the context of the project's default admin site
(django.contrib.admin.site: its header, navigation sidebar and user links), so they sit inside the
admin's frame. Each stock and flow of a report comes with its chart data (`series`, JSON-ready) and
whether it has enough history to draw, for projects that override the templates with other charts.
"""

import csv
from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import registry
from .charts import bar_chart, line_chart, too_little_history
from .facets import Facet, value_label
from .models import FlowRecord, StockRecord
from .process import Process
from .reports import BadPeriod, FlowSummary, StockSummary, parse_conversion, parse_period, summarise


def process_or_404(slug: str) -> Process:
    try:
        return registry.get_process(slug)
    except KeyError:
        raise Http404(f"No stock-and-flow process named {slug!r}.") from None


def admin_frame(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """The context with the default admin site's (header, navigation, user links) underneath it."""
    return {**admin.site.each_context(request), **context}


@staff_member_required
def index(request: HttpRequest) -> HttpResponse:
    context = {"processes": registry.processes(), "title": "Metrics"}
    return render(request, "stockandflow/index.html", admin_frame(request, context))


@staff_member_required
def process_report(request: HttpRequest, slug: str) -> HttpResponse:
    process = process_or_404(slug)
    try:
        start, end = parse_period(request.GET)
        extra = parse_conversion(process, request.GET)
    except BadPeriod as error:
        return HttpResponseBadRequest(str(error))
    summary = summarise(process, start, end, [extra] if extra else None)
    stocks = [
        {
            "stock": item.stock,
            "count": item.count,
            "facets": _facet_rows(item.stock.facets, item.facets),
            "inflows": item.inflows,
            "outflows": item.outflows,
            "time_in_stock": item.time_in_stock,
            "mean_stay": duration_text(item.time_in_stock.mean) if item.time_in_stock else "",
            "enough_history": item.enough_history,
            "recorded": len(item.history),
            "series": stock_series(item),
            "chart": _stock_chart(item),
        }
        for item in summary.stocks
    ]
    flows = [
        {
            "flow": item.flow,
            "count": item.count,
            "facets": _facet_rows(item.flow.facets, item.facets),
            "enough_history": item.enough_history,
            "recorded": len(item.history),
            "series": flow_series(item),
            "chart": _flow_chart(item),
        }
        for item in summary.flows
    ]
    context = {
        "title": process.name,
        "process": process,
        "stocks": stocks,
        "flows": flows,
        "conversions": summary.conversions,
        "start": start,
        "end": end,
        "reaches_now": start <= timezone.now() < end,
        "query": request.GET.urlencode(),
        "chosen": extra,
        # The period asked for, kept by the form that chooses a conversion.
        "period_fields": [
            (name, request.GET[name]) for name in ("days", "start", "end") if request.GET.get(name)
        ],
    }
    return render(request, "stockandflow/process.html", admin_frame(request, context))


def stock_series(item: StockSummary) -> list[dict[str, Any]]:
    """The stock's chart as JSON-ready points: recorded counts, then now (recorded: false)."""
    return [{"t": p.at.isoformat(), "count": p.count, "recorded": p.recorded} for p in item.points]


def flow_series(item: FlowSummary) -> list[dict[str, Any]]:
    """The flow's chart as JSON-ready bars over the whole period (recorded: false where counted from
    the events because no record covers that part yet)."""
    return [
        {"start": b.start.isoformat(), "end": b.end.isoformat(), "count": b.count, "recorded": b.recorded}
        for b in item.bars
    ]


def _stock_chart(item: StockSummary) -> str:
    title = f"{item.stock.name} over time"
    if not item.enough_history:
        return too_little_history(title, len(item.history))
    return line_chart([(p.at, p.count) for p in item.points], title)


def _flow_chart(item: FlowSummary) -> str:
    title = f"{item.flow.name} per period"
    if not item.enough_history:
        return too_little_history(title, len(item.history))
    return bar_chart([(f"{b.start:%d %b}", b.count) for b in item.bars], title)


def _facet_rows(facets: list[tuple[Facet, str]], counts: dict) -> list[dict]:
    names = {facet.slug: facet.name for facet, _prefix in facets}
    return [
        {
            "slug": slug,
            "name": names.get(slug, slug),
            "values": [(value_label(v), v, n) for v, n in by_value.items()],
        }
        for slug, by_value in counts.items()
    ]


def duration_text(value: timedelta | None) -> str:
    """A mean stay as a person reads it: "3.5 days", "5.0 hours", "12 minutes"."""
    if value is None:
        return ""
    seconds = value.total_seconds()
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 60:.0f} minutes"


@staff_member_required
def records_csv(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """Every stock (or flow) record of the process in the period, one row per facet value
    (facet and value empty on the total's row)."""
    process = process_or_404(slug)
    try:
        start, end = parse_period(request.GET)
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
        flow_records = FlowRecord.objects.filter(
            flow__in=[f.slug for f in process.flows], period_start__gte=start, period_end__lte=end
        ).prefetch_related("facet_records")
        for flow_record in flow_records.order_by("flow", "period_start"):
            times = [flow_record.period_start.isoformat(), flow_record.period_end.isoformat()]
            writer.writerow([flow_record.flow, *times, "", "", flow_record.count])
            for flow_facet in flow_record.facet_records.all():
                writer.writerow(
                    [flow_record.flow, *times, flow_facet.facet, flow_facet.value, flow_facet.count]
                )
    return response


@staff_member_required
def step_members(request: HttpRequest, slug: str, stock_slug: str) -> HttpResponse:
    """Go through a stock's members (optionally of one facet value) one at a time."""
    process = process_or_404(slug)
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
        "member_admin_url": admin_url(step.member),
        "base_query": base_query.urlencode(),
    }
    return render(request, "stockandflow/step.html", admin_frame(request, context))


def admin_url(obj: Model | None) -> str | None:
    """The object's change page in the default admin site, when its model is registered there."""
    if obj is None:
        return None
    opts = obj._meta.concrete_model._meta if obj._meta.concrete_model else obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return None
