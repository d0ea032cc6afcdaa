from django.apps import AppConfig


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = "Missions et fiches-actions"

    def ready(self):
        from projects.sections import Section, register

        register(Section("missions", "Missions et fiches-actions", "missions:mission-list", 30))
