from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "anju.evidence"
    verbose_name = "现场取证"

    def audit_words(self) -> dict:
        """The audit log's words for the codes this app writes in its events' details."""
        from anju.evidence.models import FlagKind

        return {**dict(FlagKind.choices), "record_capture": "现场取证",
                "accept_capture": "认可疑点", "flags": "疑点", "photos": "照片张数"}
