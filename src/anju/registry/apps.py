from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "anju.registry"
    verbose_name = "农户与房屋"
