from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "anju.reminders"
    verbose_name = "提醒与通知"
