from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "anju.appraisal"
    verbose_name = "排查与鉴定"
