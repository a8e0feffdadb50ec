from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "anju.quality"
    verbose_name = "数据质量"
