"""How a record hangs off its project: the lookup path through foreign keys."""

from django.db.models import ForeignKey

from .models import Project

# Apps whose models are never on the way from a record to its project.
_NOT_ON_THE_WAY = ("accounts", "geo", "auth", "contenttypes")


def project_path(model, depth: int = 0) -> str | None:
    """The lookup from `model` to its Project ('project', 'fiche__project'), or None when
    the model does not hang off a project (within three foreign keys)."""
    keys = [f for f in model._meta.fields if isinstance(f, ForeignKey)]
    for key in keys:
        if key.related_model is Project:
            return key.name
    if depth >= 3:
        return None
    for key in keys:
        related = key.related_model
        if related is not model and related._meta.app_label not in _NOT_ON_THE_WAY:
            inner = project_path(related, depth + 1)
            if inner:
                return f"{key.name}__{inner}"
    return None
