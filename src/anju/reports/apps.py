from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "anju.reports"
    verbose_name = "统计与看板"

    def ready(self):
        # The apps below may not import this one (architecture.md, layering): their named
        # hooks tell us which villages' figures changed (ADR 0011), inside their transactions.
        from anju.assistance.hooks import on_cases_changed
        from anju.quality.hooks import on_findings_changed
        from anju.rectification.hooks import on_ledger_changed
        from anju.registry.hooks import on_house_changed, on_house_moved, on_household_moved
        from anju.reports import rollup

        on_house_changed(rollup.on_house_changed)
        on_house_moved(rollup.on_house_moved)
        on_household_moved(rollup.on_household_moved)
        on_ledger_changed(rollup.mark_dirty)
        on_findings_changed(rollup.mark_dirty)
        on_cases_changed(rollup.mark_dirty)
