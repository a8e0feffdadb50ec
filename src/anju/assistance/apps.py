from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "anju.assistance"
    label = "assistance"
    verbose_name = "住房安全保障"
