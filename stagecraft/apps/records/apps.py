from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "stagecraft.apps.records"
    verbose_name = "Records"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from stagecraft.apps.datasets.services import DataSet

        from . import tasks, trash

        # Every deletion of a data set moves its records to the trash first (trash.py).
        pre_delete.connect(trash.on_data_set_delete, sender=DataSet, dispatch_uid="records.trash_on_delete")
        tasks.register_all()
