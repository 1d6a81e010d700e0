"""A changelist filter for relations with many choices (data groups: one per service)."""

from django.contrib import admin
from django.contrib.admin.utils import get_last_value_from_parameters
from django.contrib.admin.views.main import PAGE_VAR
from django.http import QueryDict


class NamedRelationFilter(admin.RelatedFieldListFilter):
    """Links to each related object while there are few; past `max_links`, a box to type a name.

    Django's RelatedFieldListFilter renders a link for every row of the related table, so with
    thousands of groups the changelist page would grow with the table. Either way it costs one
    query, of at most max_links + 1 rows.
    """

    template = "admin/datasets/named_relation_filter.html"
    max_links = 100

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg_name = f"{field_path}__name"
        self.lookup_val_name = get_last_value_from_parameters(params, self.lookup_kwarg_name)
        self.too_many = False
        super().__init__(field, request, params, model, model_admin, field_path)

    def expected_parameters(self):
        return [*super().expected_parameters(), self.lookup_kwarg_name]

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or ("name",)
        related = field.remote_field.model._default_manager.order_by(*ordering)
        rows = list(related.values_list("pk", "name")[: self.max_links + 1])
        self.too_many = len(rows) > self.max_links
        return [] if self.too_many else rows

    def has_output(self) -> bool:
        return self.too_many or super().has_output()

    def choices(self, changelist):
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
