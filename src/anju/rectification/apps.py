from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "anju.rectification"
    verbose_name = "整治台账"

    def ready(self):
        # The apps below may not import this one (architecture.md, layering): they call us
        # through their named hooks, inside their own transactions (ADR 0011, 0013).
        from anju.appraisal.hooks import on_appraised
        from anju.rectification import actions
        from anju.rectification.models import (
            Acceptance,
            ControlCheck,
            LedgerEntry,
            Measure,
            Transition,
        )
        from anju.registry.hooks import copies_village, on_house_changed

        on_appraised(actions.on_appraised)
        on_house_changed(actions.sync_house_entries)
        # A house's entries, open or closed, follow it to a new village (registry.moving).
        copies_village(LedgerEntry, house="house_id")
        for model in (Measure, ControlCheck, Acceptance, Transition):
            copies_village(model, house="entry__house_id")
