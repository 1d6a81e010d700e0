from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "stagecraft.apps.records"
    verbose_name = "Records"

    def ready(self) -> None:
        from . import tasks

        tasks.register_all()
