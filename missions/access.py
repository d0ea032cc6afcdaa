"""Scoped lookups of the app's records: always through a project the user may see."""

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from projects.access import get_project_for_user

from .models import Fiche


def get_fiche_for_user(user, slug: str, number: int, *, perm: str = "") -> Fiche:
    """Fiche `number` of project `slug`: 404 unless the user sees the project and the fiche
    belongs to it, 403 unless he holds `perm` on the fiche (when given)."""
    project = get_project_for_user(user, slug)
    try:
        fiche = project.fiches.for_display().get(number=number)
    except Fiche.DoesNotExist:
        raise Http404("Fiche-action introuvable.") from None
    fiche.project = project  # the grants cached on the project serve the fiche's rules
    if perm and not rules.has_perm(perm, user, fiche):
        raise PermissionDenied("Votre rôle ne permet pas de modifier cette fiche-action.")
    return fiche
