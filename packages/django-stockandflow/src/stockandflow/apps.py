from django.apps import AppConfig


class StockAndFlowConfig(AppConfig):
    name = "stockandflow"
    verbose_name = "Stock and flow"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the system checks)
