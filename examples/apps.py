from django.apps import AppConfig


class ExamplesConfig(AppConfig):
    name = "examples"
    verbose_name = "bibliothèque d'exemples de fiches-actions"
    default_auto_field = "django.db.models.BigAutoField"
