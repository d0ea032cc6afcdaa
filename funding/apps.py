from django.apps import AppConfig

from projects.sections import Section, register


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Financement ACI et budget"

    def ready(self):
        register(
            Section(
                "financement",
                "Financement ACI",
                "funding:project-simulator",
                70,
                perm="funding.view_budget",
            )
        )
        register(
            Section("budget", "Budget", "funding:budget-detail", 75, perm="funding.view_budget")
        )
