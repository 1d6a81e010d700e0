"""Process: a group of stocks and flows reported together, with helpers for reports and reviews."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from .facets import Facet
from .flows import Flow
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
    def __init__(
        self, slug: str, name: str, stocks: Iterable[Stock], flows: Iterable[Flow] = (), description: str = ""
    ) -> None:
        self.slug = slug
        self.name = name
        self.stocks = list(stocks)
        self.flows = list(flows)
        self.description = description

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
        for item in [*self.stocks, *self.flows]:
            for facet, _prefix in item.facets:
                seen.setdefault(facet.slug, facet)
        return list(seen.values())

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
