from django.contrib import admin
from reversion_compare.admin import CompareVersionAdmin

from ..models import DataType
from .counts import data_set_count
from .inlines import ReadOnlyDataSetInline


@admin.register(DataType)
class DataTypeAdmin(CompareVersionAdmin):
    list_display = ("name", "description", "data_set_count")
    search_fields = ("name", "description")
    inlines = [ReadOnlyDataSetInline]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(data_set_count=data_set_count("data_type"))

    @admin.display(description="Number of data sets", ordering="data_set_count")
    def data_set_count(self, obj: DataType) -> int:
        return obj.data_set_count
