from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`seed_demo`) and national-scale seeding (`seed_scale`): imported by nothing."""

    name = "demo"
    verbose_name = "Données de démonstration"
