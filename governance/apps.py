from django.apps import AppConfig

from projects.sections import Section, register


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Gouvernance"

    def ready(self):
        register(Section("governance", "Gouvernance", "governance:overview", order=70))
