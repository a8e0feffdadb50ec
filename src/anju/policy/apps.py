from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "anju.policy"
    verbose_name = "政策参数"
