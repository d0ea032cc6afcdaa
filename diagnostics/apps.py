from django.apps import AppConfig

from projects.sections import Section, register


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = "Territoire et diagnostic"

    def ready(self):
        register(
            Section(
                "territoire",
                "Territoire",
                "diagnostics:territory-detail",
                order=10,
                perm="diagnostics.view_territory",
            )
        )
        register(
            Section(
                "diagnostic",
                "Diagnostic",
                "diagnostics:diagnostic-detail",
                order=20,
                perm="diagnostics.view_diagnostic",
            )
        )
