from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "anju.exchange"
    verbose_name = "导入导出"
