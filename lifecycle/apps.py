from django.apps import AppConfig

from projects.sections import Section, register


class LifecycleConfig(AppConfig):
    """Intention letter, deposit, review, decision, contract, follow-up, documents, dashboards."""

    name = "lifecycle"
    verbose_name = "Cycle de vie des projets"

    def ready(self):
        # Connects the stale documents' repair to the outbox dispatch; needs the models loaded.
        from . import documents  # noqa: F401

        register(Section("documents", "Documents", "lifecycle:document-list", order=85))
        register(Section("followup", "Suivi annuel", "lifecycle:followup", order=88))
        register(
            Section(
                "deadlines", "Échéances", "lifecycle:deadlines", order=90, perm="projects.view_team"
            )
        )
