from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """The root every domain app hangs off: the Project, scoped access, rules, registries."""

    name = "projects"
    verbose_name = "Projets de CPTS"
