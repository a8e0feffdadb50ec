from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "anju.public"
    verbose_name = "村民监督与公开查询"
