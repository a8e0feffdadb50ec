from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "anju.reports"
    verbose_name = "统计与看板"

    def ready(self):
        # The apps below may not import this one (architecture.md, layering): the one
        # "records changed" event tells us which villages' figures changed (ADR 0011), inside
        # the changing transaction.
        from anju.kit.events import listen
        from anju.reports import rollup

        listen("statistics", rollup.on_records_changed)
