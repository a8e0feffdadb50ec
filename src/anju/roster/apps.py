from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "anju.roster"
    verbose_name = "以人找房（月度名单）"
