from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "anju.quality"
    verbose_name = "数据质量"

    def ready(self):
        # R-CJ-3: every save of a house re-runs the checks, through the registry's hook (the
        # registry may not import the apps above it).
        from anju.quality.actions import recheck_house
        from anju.quality.models import Finding, Verification
        from anju.registry.hooks import copies_village, on_house_changed

        on_house_changed(recheck_house)
        # A house's verifications and findings follow it to a new village (registry.moving).
        copies_village(Verification, house="house_id")
        copies_village(Finding, house="house_id")
