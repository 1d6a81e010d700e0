"""A changelist filter for relations with many choices (data groups: one per service)."""

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.admin.utils import get_last_value_from_parameters
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.db.models import Field, Model
from django.db.models.fields.related import RelatedField
from django.http import HttpRequest, QueryDict

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development requirement: for mypy only


class NamedRelationFilter(admin.RelatedFieldListFilter):
    """Links to each related object while there are few; past `max_links`, a box to type a name.

    Django's RelatedFieldListFilter renders a link for every row of the related table, so with
    thousands of groups the changelist page would grow with the table. Either way it costs one
    query, of at most max_links + 1 rows.
    """

    template = "admin/datasets/named_relation_filter.html"
    max_links = 100

    def __init__(
        self,
        field: Field,
        request: HttpRequest,
        params: dict[str, list[str] | str],
        model: type[Model],
        model_admin: admin.ModelAdmin,
        field_path: str,
    ) -> None:
        self.lookup_kwarg_name = f"{field_path}__name"
        self.lookup_val_name = get_last_value_from_parameters(params, self.lookup_kwarg_name)
        self.too_many = False
        # django-stubs types params as dict[str, str]; since Django 5.0 each value is a list.
        super().__init__(field, request, params, model, model_admin, field_path)  # type: ignore[arg-type]

    def expected_parameters(self) -> list[str | None]:
        return [*super().expected_parameters(), self.lookup_kwarg_name]

    def field_choices(
        self, field: RelatedField, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[str, "StrOrPromise"]]:
        ordering = self.field_admin_ordering(field, request, model_admin) or ("name",)
        related = field.remote_field.model._default_manager.order_by(*ordering)
        rows = list(related.values_list("pk", "name")[: self.max_links + 1])
        self.too_many = len(rows) > self.max_links
        return [] if self.too_many else rows

    def has_output(self) -> bool:
        return self.too_many or super().has_output()

    # The search box is a kind of choice of our own (our template renders it), beyond the links
    # django-stubs' TypedDict describes.
    def choices(self, changelist: ChangeList) -> Iterator[Mapping[str, object]]:  # type: ignore[override]
        if not self.too_many:
            yield from super().choices(changelist)
            return
        own = [self.lookup_kwarg, self.lookup_kwarg_isnull, self.lookup_kwarg_name]
        yield {
            "selected": self.lookup_val is None and not self.lookup_val_name,
            "query_string": changelist.get_query_string(remove=own),
            "display": "All",
        }
        others = QueryDict(changelist.get_query_string(remove=[*own, PAGE_VAR]).lstrip("?"))
        yield {
            "search_box": True,
            "param": self.lookup_kwarg_name,
            "value": self.lookup_val_name or "",
            "hidden": [(key, value) for key, values in others.lists() for value in values],
        }
