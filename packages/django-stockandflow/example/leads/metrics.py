"""The leads' stocks, flows, tracker, decays, process and scheduled tasks.

Every save of a Lead whose temperature changes records a flow event (the tracker); the decays cool
the leads nobody touched; the schedule runs the decays every hour and records the counts every day.
"""

import logging
from datetime import timedelta
from typing import Any

from django.db.models import Model

from stockandflow import registry
from stockandflow.decay import Decay
from stockandflow.facets import Facet
from stockandflow.flows import Flow, record_flows
from stockandflow.process import Process
from stockandflow.scheduler import EACH, LATEST, Period, schedule
from stockandflow.stocks import Stock, record_stocks
from stockandflow.tracker import ModelTracker

from .models import Lead, LeadFlowEvent, Team

logger = logging.getLogger(__name__)

team = Facet("team", "Team", "team__name", values=Team.objects.values_list("name", flat=True))

# One base queryset object shared by the three stocks: they are counted together in one query.
LEADS = Lead.objects.all()
hot = Stock(
    "hot", "Hot leads", LEADS, [team], where={"temperature": "hot"}, description="New or just called."
)
warm = Stock(
    "warm", "Warm leads", LEADS, [team], where={"temperature": "warm"}, description="Not called lately."
)
cold = Stock("cold", "Cold leads", LEADS, [team], where={"temperature": "cold"}, description="Forgotten.")
BY_TEMPERATURE = {"hot": hot, "warm": warm, "cold": cold}


def say_it_went_cold(lead: Model | None, source: Any, sink: Any) -> None:
    """An event callable: runs once the move is committed (a project would send a mail here)."""
    if sink is cold:
        logger.info("%s went cold", lead)


arriving = Flow("arriving", "Arriving", LeadFlowEvent, [None], [hot], facets=[team])
cooling = Flow(
    "cooling",
    "Cooling",
    LeadFlowEvent,
    [hot, warm],
    [warm, cold],
    facets=[team],
    event_callables=[say_it_went_cold],
)
reheating = Flow("reheating", "Reheating", LeadFlowEvent, [warm, cold], [hot], facets=[team])
closing = Flow("closing", "Closing", LeadFlowEvent, [hot, warm, cold], [None], facets=[team])
FLOWS = [arriving, cooling, reheating, closing]


def temperatures_to_stocks(previous: tuple, current: tuple) -> tuple[tuple, tuple]:
    return (BY_TEMPERATURE.get(previous[0]),), (BY_TEMPERATURE.get(current[0]),)


tracker = ModelTracker(Lead, ["temperature"], temperatures_to_stocks, FLOWS)

hot_to_warm = Decay(
    cooling, hot, warm, "warmed_at", timedelta(days=2), {"temperature": "warm", "warmed_at": lambda now: now}
)
warm_to_cold = Decay(cooling, warm, cold, "warmed_at", timedelta(days=7), {"temperature": "cold"})

process = Process(
    "leads",
    "Sales leads",
    [hot, warm, cold],
    FLOWS,
    description="Leads cool from hot to warm after 2 days and from warm to cold after 7 more, unless called.",
    conversions=[(hot, cold), (cold, hot)],
)


def decay_task(period: Period) -> None:
    hot_to_warm.run(period.end)
    warm_to_cold.run(period.end)


def count_stocks_task(period: Period) -> None:
    record_stocks(process.stocks, at=period.end)


def record_flows_task(period: Period) -> None:
    record_flows(process.flows, period.start, period.end)


def register() -> None:
    """Called once, from LeadsConfig.ready()."""
    tracker.connect()
    registry.register(process)
    # Registered in this order, they run in this order: decays before the counts of the same moment.
    schedule.register("leads.decay", timedelta(hours=1), decay_task, LATEST)
    schedule.register("leads.count-stocks", timedelta(days=1), count_stocks_task, LATEST)
    schedule.register("leads.record-flows", timedelta(days=1), record_flows_task, EACH)
