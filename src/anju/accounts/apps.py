from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "anju.accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from anju.security import deploy_checks

        checks.register(deploy_checks, checks.Tags.security, deploy=True)
