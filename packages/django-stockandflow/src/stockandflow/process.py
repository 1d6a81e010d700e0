"""Process: a group of stocks and flows reported together, with helpers for reports and reviews."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Model

from .analytics import Conversion, TimeInStock, conversion, time_in_stock
from .facets import Facet
from .flows import Flow
from .models import FlowEvent
from .stocks import Stock


@dataclass
class Step:
    """One member of a stock in a review, and where the review goes next."""

    member: Model | None
    position: int  # 1-based
    total: int
    previous_pk: Any
    next_pk: Any


class Process:
    """Stocks and flows reported together. `conversions` lists (from_stock, to_stock) pairs whose
    conversion rate the report shows."""

    def __init__(
        self,
        slug: str,
        name: str,
        stocks: Iterable[Stock],
        flows: Iterable[Flow] = (),
        description: str = "",
        conversions: Iterable[tuple[Stock, Stock]] = (),
    ) -> None:
        self.slug = slug
        self.name = name
        self.stocks = list(stocks)
        self.flows = list(flows)
        self.description = description
        self.conversions = list(conversions)
        for pair in self.conversions:
            for stock in pair:
                if not any(s is stock for s in self.stocks):
                    raise ValueError(
                        f"The process {slug!r} has a conversion to or from {stock.slug!r}, which is not "
                        "one of its stocks: add the stock to the process or drop the conversion."
                    )

    def __repr__(self) -> str:
        return f"<Process {self.slug}>"

    def __str__(self) -> str:
        return self.name

    def stock(self, slug: str) -> Stock:
        for stock in self.stocks:
            if stock.slug == slug:
                return stock
        raise KeyError(f"The process {self.slug} has no stock {slug!r}.")

    def flow(self, slug: str) -> Flow:
        for flow in self.flows:
            if flow.slug == slug:
                return flow
        raise KeyError(f"The process {self.slug} has no flow {slug!r}.")

    def inflows(self, stock: Stock) -> list[Flow]:
        return [f for f in self.flows if any(s is stock for s in f.sinks)]

    def outflows(self, stock: Stock) -> list[Flow]:
        return [f for f in self.flows if any(s is stock for s in f.sources)]

    def facets(self) -> list[Facet]:
        seen: dict[str, Facet] = {}
        for facets in [*(s.facets for s in self.stocks), *(f.facets for f in self.flows)]:
            for facet, _prefix in facets:
                seen.setdefault(facet.slug, facet)
        return list(seen.values())

    def event_model(self, *stocks: Stock) -> type[FlowEvent] | None:
        """The event model of the flows into and out of these stocks (None when no flow touches them)."""
        models = {
            flow.event_model for stock in stocks for flow in [*self.inflows(stock), *self.outflows(stock)]
        }
        if len(models) > 1:
            names = ", ".join(sorted(m.__name__ for m in models))
            raise ValueError(
                f"The flows of {', '.join(s.slug for s in stocks)} store their events in several models "
                f"({names}): analytics follow subjects through one event model."
            )
        return next(iter(models), None)

    def conversion(self, from_stock: Stock, to_stock: Stock, start: datetime, end: datetime) -> Conversion:
        """See analytics.conversion: nothing converts when no flow of the process touches the stocks."""
        event_model = self.event_model(from_stock, to_stock)
        if event_model is None:
            return Conversion(from_stock, to_stock, 0, 0)
        return conversion(event_model, from_stock, to_stock, start, end)

    def time_in_stock(self, stock: Stock, start: datetime, end: datetime) -> TimeInStock | None:
        """See analytics.time_in_stock; None when the process has no flow both into and out of it."""
        event_model = self.event_model(stock)
        if event_model is None or not self.inflows(stock) or not self.outflows(stock):
            return None
        return time_in_stock(event_model, stock, start, end)

    def step(self, stock: Stock, at: Any = None, facet: Facet | None = None, value: Any = None) -> Step:
        """The member of `stock` (optionally of one facet value) with the smallest pk >= `at`, with the
        pks before and after it: a way to go through a stock's members one by one. Four small queries."""
        members = stock.members(facet, value).order_by("pk")
        total = members.count()
        member = (members.filter(pk__gte=at) if at is not None else members).first()
        if member is None:
            return Step(None, 0, total, None, None)
        earlier = members.filter(pk__lt=member.pk)
        position = earlier.count() + 1
        previous = earlier.order_by("-pk").values_list("pk", flat=True).first()
        following = members.filter(pk__gt=member.pk).values_list("pk", flat=True).first()
        return Step(member, position, total, previous, following)
