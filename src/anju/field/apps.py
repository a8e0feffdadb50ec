from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "anju.field"
    verbose_name = "信息采集助手"

    def ready(self):
        # Every change of a house goes into the sequence that phones download by (ADR 0022),
        # in the changing transaction, through the registry's hook (it may not import us).
        from anju.field.models import Submission
        from anju.field.sync import note_house_changed
        from anju.registry.hooks import copies_village, on_house_changed

        on_house_changed(note_house_changed)
        # A house's captures follow it to a new village, for the reviewers there.
        copies_village(Submission, house="house_id")
