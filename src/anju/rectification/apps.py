from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "anju.rectification"
    verbose_name = "整治台账"

    def ready(self):
        # The apps below may not import this one (architecture.md, layering): the one "records
        # changed" event tells us, inside their transactions, of appraisals and changed houses
        # (ADR 0011, 0013). First, because the other listeners read the ledger.
        from anju.kit.events import listen
        from anju.rectification import actions

        listen("ledger", actions.on_records_changed, first=True)
        # R-CJ-8: the register asks before a house's use changes (ADR 0032)
        from anju.kit import guards
        from anju.rectification.actions._entry import refuse_business_reopen

        guards.guard(guards.HOUSE_USE, "ledger", refuse_business_reopen)
