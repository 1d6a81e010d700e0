from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "stagecraft.apps.metrics"
    verbose_name = "Data set health metrics"

    def ready(self) -> None:
        from django.contrib import admin

        from . import definitions, tasks

        definitions.tracker.connect()
        tasks.register_all()
        # Adds a "Data set health" link to the admin index without overriding admin/index.html.
        admin.site.index_template = "metrics/admin_index.html"
