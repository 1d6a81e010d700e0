"""The health panel on each data set's admin page (panel.py), added to whatever data set admin the apps
below registered (records' one): this app re-registers it as a subclass, as the alerts app does after it.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from stagecraft.apps.datasets.services import DataSet

from .panel import health_panel

registered = type(admin.site.get_model_admin(DataSet))


class DataSetWithHealthAdmin(registered):  # type: ignore[valid-type,misc]
    """The data set admin with a health panel at the top of the change page."""

    change_form_template = "metrics/admin/data_set_change_form.html"

    class Media:
        css = {"all": ["metrics/metrics.css"]}
        js = ["vendor/chartjs/chart.umd.min.js", "metrics/charts.js"]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        data_set = self.get_object(request, object_id)
        if data_set is not None:
            extra_context = {**(extra_context or {}), "health": health_panel(data_set)}
        return super().change_view(request, object_id, form_url, extra_context)


admin.site.unregister(DataSet)
admin.site.register(DataSet, DataSetWithHealthAdmin)
