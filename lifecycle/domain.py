"""The domain apps as the lifecycle reads them: the records of a project they hold."""

from functools import cache

from django.apps import apps

from projects.paths import project_path

# Apps whose records are frozen in a deposit's snapshot and date a document's version.
DOMAIN_APPS = ("diagnostics", "missions", "governance", "funding")


@cache
def project_models() -> tuple[tuple[type, str], ...]:
    """(model, lookup to its project) for every model of the domain apps that hangs off a
    project (history tables aside). Fixed once the apps are loaded: computed once."""
    found = []
    for app_label in DOMAIN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            path = project_path(model)
            if path is not None:
                found.append((model, path))
    return tuple(found)
