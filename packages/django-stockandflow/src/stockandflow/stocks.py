"""Stock: a named accumulation defined by a queryset, counted (with its facets) into StockRecords."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from .counting import CountJob, CountResult, count_jobs
from .facets import Facet, normalise_facets, value_label
from .models import StockFacetRecord, StockRecord

QuerySetSource = QuerySet | Callable[[], QuerySet]


class Stock:
    """The objects of a model in one state, e.g. the active users.

    `queryset` is a QuerySet or a callable returning one (use a callable when the definition holds
    the current time); either way it is evaluated afresh at every use. `where` is an optional dict of
    equality lookups applied on top: stocks built from the same `queryset` object with a `where` (the
    states of one field, say) are counted together in a single query by `count_stocks`.
    Facets are Facet objects or (facet, field_prefix) pairs, the prefix leading from the stock's
    objects to the facet's (e.g. "profile" for a facet on a user's profile).
    """

    def __init__(
        self,
        slug: str,
        name: str,
        queryset: QuerySetSource,
        facets: Iterable[Facet | tuple[Facet, str]] = (),
        *,
        where: dict[str, Any] | None = None,
        description: str = "",
    ) -> None:
        self.slug = slug
        self.name = name
        self._queryset = queryset
        self.where = dict(where or {})
        self.facets = normalise_facets(facets)
        self.description = description

    def __repr__(self) -> str:
        return f"<Stock {self.slug}>"

    def __str__(self) -> str:
        return self.name

    @property
    def model(self) -> type[Model]:
        return self.base_queryset().model

    def base_queryset(self) -> QuerySet:
        source = self._queryset
        return source() if callable(source) else source.all()

    @property
    def queryset(self) -> QuerySet:
        """The current members (a new queryset each time)."""
        return self.base_queryset().filter(**self.where)

    def members(self, facet: Facet | None = None, value: Any = None) -> QuerySet:
        queryset = self.queryset
        if facet is not None:
            queryset = queryset.filter(facet.get_Q(value, self.facet_prefix(facet)))
        return queryset

    def facet(self, slug: str) -> Facet:
        for facet, _prefix in self.facets:
            if facet.slug == slug:
                return facet
        raise KeyError(f"The stock {self.slug} has no facet {slug!r}.")

    def facet_lookups(self) -> list[tuple[Facet, str]]:
        """Each facet with its lookup from the stock's objects."""
        return [(facet, facet.lookup(prefix)) for facet, prefix in self.facets]

    def facet_prefix(self, facet: Facet) -> str:
        return next(prefix for f, prefix in self.facets if f is facet)

    def count(self) -> int:
        return self.queryset.count()

    def count_with_facets(self) -> CountResult:
        """The total and every facet value's count, in one grouped query."""
        return count_stocks([self])[self.slug]

    def record(self, at: datetime | None = None) -> StockRecord:
        return record_stocks([self], at=at)[0]


def count_stocks(stocks: Iterable[Stock]) -> dict[str, CountResult]:
    """Count stocks with their facets: one query per group of stocks sharing a base queryset."""
    groups: dict[int, list[Stock]] = {}
    for stock in stocks:
        key = id(stock._queryset) if stock.where else id(stock)
        groups.setdefault(key, []).append(stock)
    results: dict[str, CountResult] = {}
    facet_values: dict = {}
    for members in groups.values():
        if members[0].where:
            base = members[0].base_queryset()
            jobs = [CountJob(s.slug, s.where, s.facet_lookups()) for s in members]
        else:
            base = members[0].queryset
            jobs = [CountJob(members[0].slug, {}, members[0].facet_lookups())]
        results.update(count_jobs(base, jobs, facet_values))
    return results


def record_stocks(stocks: Iterable[Stock], at: datetime | None = None) -> list[StockRecord]:
    """Count the stocks and store one StockRecord each, with a StockFacetRecord per facet value."""
    stocks = list(stocks)
    at = at or timezone.now()
    counts = count_stocks(stocks)
    with transaction.atomic():
        records = StockRecord.objects.bulk_create(
            [StockRecord(stock=s.slug, timestamp=at, count=counts[s.slug].total) for s in stocks]
        )
        StockFacetRecord.objects.bulk_create(
            [
                StockFacetRecord(stock_record=record, facet=facet, value=value_label(value), count=n)
                for stock, record in zip(stocks, records, strict=True)
                for facet, by_value in counts[stock.slug].facets.items()
                for value, n in by_value.items()
            ]
        )
    return records
