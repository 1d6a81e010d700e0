"""Stagecraft's data set health: stocks, flows, the tracker on DataSet and the scheduled tasks."""

from django.db.models import QuerySet

from stagecraft.apps.datasets.services import DataGroup, DataSet, DataType
from stagecraft.apps.records.services import FRESH, NEVER, STALE, with_freshness
from stockandflow.facets import Facet
from stockandflow.flows import Flow
from stockandflow.process import Process
from stockandflow.stocks import Stock
from stockandflow.tracker import ModelTracker

from .models import DataSetFlowEvent

data_group = Facet(
    "data-group", "Data group", "data_group__name", values=DataGroup.objects.values_list("name", flat=True)
)
data_type = Facet(
    "data-type", "Data type", "data_type__name", values=DataType.objects.values_list("name", flat=True)
)
realtime = Facet("realtime", "Realtime", "realtime", values=[True, False])
FACETS = [data_group, data_type, realtime]


def data_sets_with_freshness() -> QuerySet[DataSet]:
    """The base queryset of every data set health stock (re-evaluated, with the current time)."""
    return with_freshness(DataSet.objects.all())


def _stock(slug: str, name: str, description: str, **where: object) -> Stock:
    # One shared base queryset: all five stocks are counted together in one grouped query.
    return Stock(slug, name, data_sets_with_freshness, FACETS, where=where, description=description)


published = _stock("published", "Published", "Data sets served without a warning.", published=True)
unpublished = _stock(
    "unpublished", "Unpublished", "Data sets served with a may-change warning.", published=False
)
fresh = _stock(
    "fresh", "Fresh", "Written to within their max age expected (or never monitored).", freshness=FRESH
)
stale = _stock("stale", "Stale", "Last updated at least their max age expected ago.", freshness=STALE)
never_written = _stock("never-written", "Never written", "No record yet.", freshness=NEVER)
FRESHNESS_STOCKS = {FRESH: fresh, STALE: stale, NEVER: never_written}


def _flow(
    slug: str, name: str, sources: list[Stock | None], sinks: list[Stock | None], description: str
) -> Flow:
    return Flow(slug, name, DataSetFlowEvent, sources, sinks, facets=FACETS, description=description)


creating = _flow("creating", "Created", [None], [unpublished], "New data sets (unpublished).")
publishing = _flow("publishing", "Publishing", [None, unpublished], [published], "Published.")
unpublishing = _flow("unpublishing", "Unpublishing", [published], [unpublished], "Unpublished.")
deleting = _flow("deleting", "Deleted", [published, unpublished], [None], "Data sets deleted.")
going_stale = _flow("going-stale", "Going stale", [fresh], [stale], "Stopped getting data in time.")
recovering = _flow("recovering", "Recovering", [stale], [fresh], "Got fresh data again.")
first_written = _flow(
    "first-written", "First written", [never_written], [fresh, stale], "Got their first records."
)
emptied = _flow("emptied", "Emptied", [fresh, stale], [never_written], "Lost all their records.")
PUBLISHING_FLOWS = [creating, publishing, unpublishing, deleting]
FRESHNESS_FLOWS = [going_stale, recovering, first_written, emptied]


def _published_states(previous: tuple, current: tuple) -> tuple[tuple, tuple]:
    def stock(values: tuple) -> tuple[Stock]:
        return (published if values[0] else unpublished,)

    return stock(previous), stock(current)


tracker = ModelTracker(DataSet, ["published"], _published_states, PUBLISHING_FLOWS)

process = Process(
    "data-set-health",
    "Data set health",
    [published, unpublished, fresh, stale, never_written],
    PUBLISHING_FLOWS + FRESHNESS_FLOWS,
    description="How many data sets are published, and how many get their data in time.",
)
