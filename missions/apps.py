from django.apps import AppConfig

from projects.sections import Section, register


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = "Missions et fiches-actions"

    def ready(self):
        register(Section("missions", "Missions et fiches-actions", "missions:mission-list", 30))
