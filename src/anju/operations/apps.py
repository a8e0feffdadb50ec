from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "anju.operations"
    label = "operations"
    verbose_name = "运行维护"
