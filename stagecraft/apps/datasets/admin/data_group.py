from django.contrib import admin
from reversion_compare.admin import CompareVersionAdmin

from ..models import DataGroup
from .counts import data_set_count
from .inlines import ReadOnlyDataSetInline


@admin.register(DataGroup)
class DataGroupAdmin(CompareVersionAdmin):
    list_display = ("name", "data_set_count")
    search_fields = ("name",)
    inlines = [ReadOnlyDataSetInline]
    show_full_result_count = False

    def get_queryset(self, request):
        # One annotated query instead of a count per row.
        return super().get_queryset(request).annotate(data_set_count=data_set_count("data_group"))

    @admin.display(description="Number of data sets", ordering="data_set_count")
    def data_set_count(self, obj: DataGroup) -> int:
        return obj.data_set_count
