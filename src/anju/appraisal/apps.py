from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "anju.appraisal"
    verbose_name = "排查与鉴定"

    def ready(self):
        # A house's records follow it to a new village (registry.moving).
        from anju.appraisal.models import Appraisal, Hazard, Inspection, Screening
        from anju.registry.hooks import copies_village

        for model in (Inspection, Screening, Appraisal, Hazard):
            copies_village(model, house="house_id")
