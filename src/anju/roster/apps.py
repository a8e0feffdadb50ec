from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "anju.roster"
    verbose_name = "以人找房（月度名单）"

    def ready(self):
        # N4's monitoring ledger is this app's people; the exchange, below it, writes the file
        # (national.PROVIDED_FROM_ABOVE, ADR 0034).
        from anju.exchange import national
        from anju.roster.national import SOURCE

        national.provide("monitored", SOURCE)
