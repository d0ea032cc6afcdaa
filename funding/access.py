"""Scoped lookups of the budget and the other grants: always through a project the user may
see (projects.access); 404 outside it or for a record of another project, 403 without the
right."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from projects.access import access_for, get_project_for_user, projects_for_user
from projects.models import Project

from .models import Budget, BudgetLine, Grant, GrantDocument

VIEW = "funding.view_budget"
CHANGE = "funding.change_budget"


def get_project(user, slug: str, *, change: bool = False) -> Project:
    """The project whose budget the user reads (or changes, with `change`)."""
    return get_project_for_user(user, slug, perm=CHANGE if change else VIEW)


def is_cpts_member(user, project: Project) -> bool:
    """Whether the user belongs to the project's CPTS (he may ask for its documents)."""
    return bool(access_for(user, project).cpts_role)


def own_projects(user) -> QuerySet[Project]:
    """The projects of the user's own CPTS (to prefill the simulator)."""
    cpts_orgs = [m.organisation_id for m in user.active_memberships if m.is_cpts_role]
    return projects_for_user(user).filter(organisation_id__in=cpts_orgs)


def get_line(budget: Budget, number: int) -> BudgetLine:
    return get_object_or_404(budget.lines.select_related("updated_by"), number=number)


def get_grant(project: Project, number: int, *, documents: bool = False) -> Grant:
    grants = Grant.objects.prefetch_related("documents") if documents else Grant.objects
    return get_object_or_404(grants, project=project, number=number)


def get_grant_document(grant: Grant, number: int) -> GrantDocument:
    return get_object_or_404(grant.documents, number=number)
