from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "anju.evidence"
    verbose_name = "现场取证"
