from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "stagecraft.apps.datasets"
    verbose_name = "Data sets"
