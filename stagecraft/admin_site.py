"""The project's admin site: Django's, plus a "Metrics" section in its navigation (the sidebar of every
admin page and the index's list) linking the health reports, which live outside the admin's URLs
(/metrics/, django-stockandflow) but inside its frame.

Installed in place of "django.contrib.admin" (settings.INSTALLED_APPS) by StagecraftAdminConfig, so
`django.contrib.admin.site` is this site everywhere: the apps register their admins on it as usual.
"""

import gc
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.urls import reverse

METRICS_LABEL = "health_metrics"


class StagecraftAdminSite(admin.AdminSite):
    site_header = "Stagecraft administration"
    site_title = "Stagecraft"
    index_title = "Data groups, data types and data sets"

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        apps = super().get_app_list(request, app_label)
        if app_label is None and request.user.is_active and request.user.is_staff:
            apps.append(metrics_section())
        return apps


def metrics_section() -> dict[str, Any]:
    """The navigation's "Metrics" section: each registered stock-and-flow report, and the members of
    each stock and flow (django-stockandflow's own admin site)."""
    from stockandflow import registry

    def entry(name: str, object_name: str, url: str) -> dict[str, Any]:
        return {
            "name": name,
            "object_name": object_name,
            "admin_url": url,
            "add_url": None,
            "view_only": True,
            "perms": {"add": False, "change": False, "delete": False, "view": True},
        }

    reports = [
        entry(process.name, f"report-{process.slug}", reverse("stockandflow:process", args=[process.slug]))
        for process in registry.processes()
    ]
    members = entry("Stocks and flows: members", "stocks-and-flows", reverse("stockandflow_admin:index"))
    return {
        "name": "Metrics",
        "app_label": METRICS_LABEL,
        "app_url": reverse("stockandflow:index"),
        "has_module_perms": True,
        "models": [*reports, members],
    }


class StagecraftAdminConfig(AdminConfig):
    default_site = "stagecraft.admin_site.StagecraftAdminSite"

    def ready(self) -> None:
        super().ready()  # imports every app's admin module (every app's models are imported already)
        # What start-up made (modules, models, the admin's registry: most of the process's objects)
        # lives as long as the process. Set aside from the cyclic garbage collector, it is no longer
        # walked by every full collection, which a large write brings on again and again: a tenth of
        # a data set migration's time (bench/README.md). The first project app to be ready does it.
        gc.freeze()
