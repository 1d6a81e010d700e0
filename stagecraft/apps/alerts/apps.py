from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "stagecraft.apps.alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from stagecraft.apps.metrics.services import freshness_changed

        from . import announce, tasks

        freshness_changed.connect(announce.on_freshness_changed, dispatch_uid="alerts.freshness_changed")
        tasks.register_all()
