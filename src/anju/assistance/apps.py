from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "anju.assistance"
    label = "assistance"
    verbose_name = "住房安全保障"

    def ready(self):
        # A household's certifications and cases follow it to a new village (registry.moving);
        # a notice keeps the place where it was posted.
        from anju.assistance.models import Application, Certification, Payment, Transition
        from anju.registry.hooks import copies_village

        copies_village(Certification, household="household_id")
        copies_village(Application, household="household_id")
        copies_village(Payment, household="application__household_id")
        copies_village(Transition, household="application__household_id")
