from django.contrib import admin
from django.utils import timezone

from .models import Lead, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "temperature", "warmed_at"]
    list_filter = ["temperature", "team"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        # A lead someone heats up starts cooling again from now (the decays read warmed_at).
        if "temperature" in form.changed_data:
            obj.warmed_at = timezone.now()
        super().save_model(request, obj, form, change)
