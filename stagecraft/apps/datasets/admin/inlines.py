from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from ..models import DataSet


class ReadOnlyDataSetInline(admin.TabularInline):
    """The data sets of a group or type, listed for reference; edit them on their own pages."""

    model = DataSet
    fields = ("name", "data_group", "data_type", "published", "realtime")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[DataSet]:
        return super().get_queryset(request).select_related("data_group", "data_type")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
