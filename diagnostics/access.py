"""Scoped lookups of the territory and the diagnostic: always through a project the user may
see (projects.access); 404 outside it, 403 without the right."""

from django.db.models import QuerySet

from projects.access import (
    analysable_projects,
    get_project_for_user,
    projects_for_user,
    require_role,
    reviewable_projects,
)
from projects.models import Project


def get_territory_project(user, slug: str, *, change: bool = False) -> Project:
    """The project whose territory the user reads (or changes, with `change`)."""
    perm = "diagnostics.change_territory" if change else "diagnostics.view_territory"
    return get_project_for_user(user, slug, perm=perm)


def get_diagnostic_project(user, slug: str, *, change: bool = False) -> Project:
    """The project whose diagnostic the user reads (or writes, with `change`)."""
    perm = "diagnostics.change_diagnostic" if change else "diagnostics.view_diagnostic"
    return get_project_for_user(user, slug, perm=perm)


def overlap_scope(user) -> QuerySet[Project]:
    """The projects whose overlaps a reviewer or an analyst compares (403 for other roles)."""
    require_role(user, review=True, analyst=True)
    return reviewable_projects(user) | analysable_projects(user)


def visible_project_ids(user, ids) -> set[int]:
    """Which of the projects `ids` the user may open."""
    return set(projects_for_user(user).filter(pk__in=ids).values_list("pk", flat=True))
