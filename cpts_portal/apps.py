from django.apps import AppConfig

# Registers the portal's deploy checks (the placeholder secret key, cpts_portal.E001).
from cpts_portal import checks  # noqa: F401


class PortalConfig(AppConfig):
    name = "cpts_portal"
    verbose_name = "CPTS Portal"
