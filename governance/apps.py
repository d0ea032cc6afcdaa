from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Gouvernance"

    def ready(self):
        from projects.sections import Section, register

        register(Section("governance", "Gouvernance", "governance:overview", order=70))
