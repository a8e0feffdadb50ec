from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "anju.audit"
    verbose_name = "安全审计"

    def ready(self):
        # Logins and logouts are Django's own events: the audit listens to its signals.
        from anju.audit import receivers  # noqa: F401
