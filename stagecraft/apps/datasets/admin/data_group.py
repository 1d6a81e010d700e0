from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from reversion_compare.admin import CompareVersionAdmin

from ..models import DataGroup
from .counts import DataSetCount, data_set_count
from .inlines import ReadOnlyDataSetInline

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # a development requirement: for mypy only


@admin.register(DataGroup)
class DataGroupAdmin(CompareVersionAdmin):
    list_display = ("name", "data_set_count")
    search_fields = ("name",)
    inlines = [ReadOnlyDataSetInline]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[DataGroup]:
        # One annotated query instead of a count per row.
        return super().get_queryset(request).annotate(data_set_count=data_set_count("data_group"))

    @admin.display(description="Number of data sets", ordering="data_set_count")
    def data_set_count(self, obj: "WithAnnotations[DataGroup, DataSetCount]") -> int:
        return obj.data_set_count
