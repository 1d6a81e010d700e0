"""The OpenMetrics endpoint (Prometheus text format) for Prometheus and other scrapers.

Each registered stock's latest recorded count is a gauge (with a sample per facet value, and the
time of that count), each flow's number of stored events a counter. A scrape costs three queries for
the stocks (the newest record time per stock, those records, their facet records), whatever their
number and history, and one GROUP BY per flow event model; it never counts the stocks live.
"""

import hmac
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import registry
from .flows import Flow, count_all_events
from .models import StockRecord
from .stocks import Stock

CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"


def latest_stock_records(stocks: Iterable[Stock]) -> list[StockRecord]:
    """The newest StockRecord of each stock that has one, with its facet records (three queries)."""
    slugs = [stock.slug for stock in stocks]
    newest = dict(
        StockRecord.objects.filter(stock__in=slugs).order_by().values_list("stock").annotate(Max("timestamp"))
    )
    if not newest:
        return []
    matching = Q()
    for slug, timestamp in newest.items():
        matching |= Q(stock=slug, timestamp=timestamp)
    records: dict[str, StockRecord] = {}
    for record in StockRecord.objects.filter(matching).order_by("pk").prefetch_related("facet_records"):
        records[record.stock] = record  # two records of one moment: the last written wins
    return [records[slug] for slug in slugs if slug in records]


def render(stocks: Iterable[Stock], flows: Iterable[Flow]) -> str:
    """The metrics as OpenMetrics text."""
    records = latest_stock_records(stocks)
    events = count_all_events(flows)
    lines = [
        *_family(
            "stockandflow_stock_members",
            "gauge",
            "Members of each stock at its latest recorded count (run_periodic_schedule records them).",
            [(_sample("stockandflow_stock_members", stock=r.stock), str(r.count)) for r in records],
        ),
        *_family(
            "stockandflow_stock_facet_members",
            "gauge",
            "Members of each stock with one value of one facet, at the stock's latest recorded count.",
            [
                (
                    _sample("stockandflow_stock_facet_members", stock=r.stock, facet=f.facet, value=f.value),
                    str(f.count),
                )
                for r in records
                for f in r.facet_records.all()
            ],
        ),
        *_family(
            "stockandflow_stock_recorded_timestamp_seconds",
            "gauge",
            "When each stock's latest count was taken, in seconds since the Unix epoch.",
            [
                (
                    _sample("stockandflow_stock_recorded_timestamp_seconds", stock=r.stock),
                    f"{r.timestamp.timestamp()}",
                )
                for r in records
            ],
        ),
        *_family(
            "stockandflow_flow_events",
            "counter",
            "Events each flow has stored since it was first tracked.",
            [(_sample("stockandflow_flow_events_total", flow=slug), str(n)) for slug, n in events.items()],
        ),
        "# EOF",
    ]
    return "\n".join(lines) + "\n"


def _family(name: str, kind: str, help_text: str, samples: list[tuple[str, str]]) -> list[str]:
    escaped = help_text.replace("\\", "\\\\").replace("\n", "\\n")
    return [f"# TYPE {name} {kind}", f"# HELP {name} {escaped}", *(f"{s} {v}" for s, v in samples)]


def _sample(name: str, **labels: str) -> str:
    return name + _labels(**labels)


def _labels(**labels: str) -> str:
    def escape(value: str) -> str:
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

    return "{" + ",".join(f'{key}="{escape(value)}"' for key, value in labels.items()) + "}"


def refusal(request: HttpRequest) -> HttpResponse | None:
    """None when the request may read the metrics: the endpoint is public (STOCKANDFLOW_OPENMETRICS_PUBLIC),
    the user is active staff, or the request bears STOCKANDFLOW_OPENMETRICS_TOKEN. Otherwise a 401."""
    if getattr(settings, "STOCKANDFLOW_OPENMETRICS_PUBLIC", False) is True:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_active and user.is_staff:
        return None
    token = getattr(settings, "STOCKANDFLOW_OPENMETRICS_TOKEN", "") or ""
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), token.encode()):
        return None
    if not token:
        message = (
            "Sign in as staff to read these metrics. For a scraper, set STOCKANDFLOW_OPENMETRICS_TOKEN and "
            "send it as 'Authorization: Bearer <token>'."
        )
    elif sent:
        message = "This bearer token is not STOCKANDFLOW_OPENMETRICS_TOKEN: send the token that is set there."
    else:
        message = (
            "Send the STOCKANDFLOW_OPENMETRICS_TOKEN as 'Authorization: Bearer <token>', or sign in as staff."
        )
    response = HttpResponse(message + "\n", status=401, content_type="text/plain; charset=utf-8")
    response["WWW-Authenticate"] = 'Bearer realm="stockandflow"'
    return response


@never_cache
@require_safe
def openmetrics(request: HttpRequest) -> HttpResponse:
    """GET: every registered stock and flow, as OpenMetrics text (see the module's docstring)."""
    refused = refusal(request)
    if refused is not None:
        return refused
    return HttpResponse(render(registry.all_stocks(), registry.all_flows()), content_type=CONTENT_TYPE)
