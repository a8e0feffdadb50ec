from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "anju.quality"
    verbose_name = "数据质量"

    def ready(self):
        # R-CJ-3: every save of a house re-runs the checks, through the one "records changed"
        # event (the registry may not import the apps above it).
        from anju.kit.events import listen
        from anju.quality.actions import on_records_changed

        listen("data quality", on_records_changed)
