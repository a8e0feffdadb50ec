from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "anju.public"
    verbose_name = "村民监督与公开查询"

    def ready(self):
        # The ledger and the register sit below this app and may not import it: a control
        # check or an inspection tells of the visit through "records changed" (kit.events),
        # and the villagers' leads about the house close in the same transaction (R-CJ-7).
        from anju.kit.events import listen
        from anju.public import actions

        listen("villager leads", actions.close_leads)
