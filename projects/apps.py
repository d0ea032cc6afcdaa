from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projets de CPTS"

    def ready(self):
        from .sections import Section, register

        register(Section("documents", "Documents", "projects:document-list", order=85))
        register(Section("followup", "Suivi annuel", "projects:followup", order=88))
        register(
            Section(
                "deadlines", "Échéances", "projects:deadlines", order=90, perm="projects.view_team"
            )
        )
