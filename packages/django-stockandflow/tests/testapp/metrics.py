"""Stocks, flows, a tracker and a decay on Lead, as a project would declare them."""

from datetime import timedelta

from stockandflow import registry
from stockandflow.decay import Decay
from stockandflow.facets import Facet
from stockandflow.flows import Flow
from stockandflow.process import Process
from stockandflow.stocks import Stock
from stockandflow.tracker import ModelTracker

from .models import Lead, LeadFlowEvent, Team

team_facet = Facet("team", "Team", "team__name", values=Team.objects.values_list("name", flat=True))
active_facet = Facet("active", "Active", "is_active", values=[True, False])
region_facet = Facet("region", "Region", "region", values=["north", "south"])
FACETS: list[Facet | tuple[Facet, str]] = [team_facet, active_facet, (region_facet, "profile")]

# One base queryset object shared by the temperature stocks: they are counted in one query.
LEADS = Lead.objects.all()
hot = Stock("hot", "Hot leads", LEADS, FACETS, where={"temperature": "hot"})
warm = Stock("warm", "Warm leads", LEADS, FACETS, where={"temperature": "warm"})
cold = Stock("cold", "Cold leads", LEADS, FACETS, where={"temperature": "cold"})
inactive = Stock("inactive", "Inactive leads", Lead.objects.filter(is_active=False), [team_facet])
BY_TEMPERATURE = {"hot": hot, "warm": warm, "cold": cold}

arriving = Flow("arriving", "Arriving", LeadFlowEvent, [None], [hot], facets=[team_facet])
cooling = Flow("cooling", "Cooling", LeadFlowEvent, [hot, warm], [warm, cold], facets=[team_facet])
reheating = Flow("reheating", "Reheating", LeadFlowEvent, [warm, cold], [hot], facets=[team_facet])
leaving = Flow("leaving", "Leaving", LeadFlowEvent, [hot, warm, cold], [None], facets=[team_facet])
# Active is a stand-in state without a Stock of its own: True/False are plain values.
deactivating = Flow("deactivating", "Deactivating", LeadFlowEvent, [True], [False])


def states_to_stocks(previous: tuple, current: tuple) -> tuple[tuple, tuple]:
    (prev_temp, prev_active), (cur_temp, cur_active) = previous, current
    return (BY_TEMPERATURE.get(prev_temp), prev_active), (BY_TEMPERATURE.get(cur_temp), cur_active)


tracker = ModelTracker(
    Lead,
    ["temperature", "is_active"],
    states_to_stocks,
    [arriving, cooling, reheating, leaving, deactivating],
)

hot_to_warm = Decay(cooling, hot, warm, "warmed_at", timedelta(days=1), {"temperature": "warm"})
warm_to_cold = Decay(cooling, warm, cold, "warmed_at", timedelta(days=7), {"temperature": "cold"})

process = Process(
    "leads",
    "Leads",
    [hot, warm, cold, inactive],
    [arriving, cooling, reheating, leaving, deactivating],
    description="Sales leads cooling from hot to cold.",
    conversions=[(hot, cold)],
)


def register_all() -> None:
    registry.register(process)
