from django.apps import AppConfig


class ApiClientsConfig(AppConfig):
    name = "stagecraft.apps.apiclients"
    verbose_name = "API clients"
