"""Facet: splits a stock or a flow into sub-counts by the value of one field."""

from collections.abc import Callable, Collection, Iterable
from typing import Any

from django.db.models import F, Model, Q, QuerySet


class Facet:
    """A named split by a field lookup (the left side of a filter keyword, e.g. `data_group__name`).

    `values` is a list, a flat values_list queryset (re-evaluated at every use), a callable returning
    either, or None to report whatever values the members have. The lookup must reach one value per
    object (fields and forward relations, not reverse or many-to-many ones).
    """

    def __init__(
        self,
        slug: str,
        name: str,
        field_lookup: str,
        values: Iterable[Any] | QuerySet | Callable[[], Iterable[Any]] | None = None,
    ) -> None:
        self.slug = slug
        self.name = name
        self.field_lookup = field_lookup
        self._values = values

    def __repr__(self) -> str:
        return f"<Facet {self.slug}>"

    def get_values(self) -> list[Any] | None:
        """The values to report, freshly evaluated; None means every value found."""
        values = self._values
        if values is None:
            return None
        if callable(values):
            values = values()
        if isinstance(values, QuerySet):
            values = values.all()  # a new queryset, so the database is asked again
        return list(values)

    def lookup(self, field_prefix: str = "") -> str:
        return f"{field_prefix}__{self.field_lookup}" if field_prefix else self.field_lookup

    def get_Q(self, value: Any, field_prefix: str = "") -> Q:  # noqa: N802 (the seed's name)
        return Q(**{self.lookup(field_prefix): value})


def value_label(value: Any) -> str:
    """How a facet value is stored in records and on flow events, and shown in reports."""
    if value is None:
        return "(none)"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def normalise_facets(facets: Iterable[Facet | tuple[Facet, str]]) -> list[tuple[Facet, str]]:
    """Facets as (facet, field_prefix) pairs; a bare facet has no prefix."""
    return [item if isinstance(item, tuple) else (item, "") for item in facets]


def read_facet_labels(
    model: type[Model], pks: Collection[Any], lookups: Collection[str]
) -> dict[Any, dict[str, str]]:
    """{pk: {lookup: value label}} for the objects of `model` with these pks, in one query (none when
    there is no lookup or no pk). Objects that are not in the database are left out."""
    if not lookups or not pks:
        return {}
    aliases = {lookup: f"sf_{index}" for index, lookup in enumerate(lookups)}
    rows = model._base_manager.filter(pk__in=list(pks)).values(
        "pk", **{alias: F(lookup) for lookup, alias in aliases.items()}
    )
    return {row["pk"]: {lookup: value_label(row[alias]) for lookup, alias in aliases.items()} for row in rows}
