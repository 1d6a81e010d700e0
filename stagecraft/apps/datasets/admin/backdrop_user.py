from django.contrib import admin
from reversion_compare.admin import CompareVersionAdmin

from ..models import BackdropUser


@admin.register(BackdropUser)
class BackdropUserAdmin(CompareVersionAdmin):
    list_display = ("email",)
    search_fields = ("email",)
    autocomplete_fields = ("data_sets",)
    show_full_result_count = False
