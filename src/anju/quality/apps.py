from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "anju.quality"
    verbose_name = "数据质量"

    def ready(self):
        # R-CJ-3: every save of a house re-runs the checks, through the registry's hook (the
        # registry may not import the apps above it).
        from anju.quality.actions import recheck_house
        from anju.registry.hooks import on_house_changed

        on_house_changed(recheck_house)
