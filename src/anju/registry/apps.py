from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "anju.registry"
    verbose_name = "农户与房屋"

    def ready(self):
        from anju.registry.hooks import copies_village
        from anju.registry.models import Attachment, RecordEvent

        # A record's history goes with it: the move itself is one of its events, naming the
        # village it left.
        copies_village(Attachment, house="house_id", household="household_id")
        copies_village(RecordEvent, house="house_id", household="household_id")
