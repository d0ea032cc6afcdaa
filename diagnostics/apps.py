from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = "Territoire et diagnostic"

    def ready(self):
        from projects.sections import Section, register

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
