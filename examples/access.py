"""Scoped lookups of the library: through a project the user may see (projects.access)."""

from django.http import Http404

from projects.access import get_project_for_user

from .models import SharedFiche

# A projet de santé validated by the ARS (expressly or tacitly), or already under contract.
VALIDATED_STATES = ("VALIDATED", "TACITLY_VALIDATED", "CONTRACTED")


def get_library_project(user, slug: str, *, perm: str = "projects.view_project"):
    return get_project_for_user(user, slug, perm=perm)


def may_share(project) -> bool:
    return project.state in VALIDATED_STATES


def shared_fiches(user):
    """The copies lent to the library. They are the library's by design, read from any
    project's library page (the user sees that project): each is what a validated CPTS chose
    to lend, without any person, and names its CPTS only if it chose so."""
    if not user.is_authenticated:
        return SharedFiche.objects.none()
    return SharedFiche.objects.select_related("mission")


def get_shared_for_user(user, pk: int):
    shared = shared_fiches(user).filter(pk=pk).first()
    if shared is None:
        raise Http404("Fiche partagée introuvable.")
    return shared
