"""Scoped lookups of the governance records: always through a project the user may see
(projects.access); 404 outside it or for a record of another project, 403 without the right."""

from django.shortcuts import get_object_or_404

from projects.access import get_project_for_user
from projects.models import Project

from .models import (
    GovernanceDocument,
    Indemnity,
    Instance,
    Mandate,
    Meeting,
    Member,
    Partnership,
)

CHANGE = "governance.change_governance"
PRIVATE = "governance.view_private"
EXPORT_CONTACTS = "governance.export_contacts"


def get_project(user, slug: str, *, change: bool = False) -> Project:
    """The project whose governance the user reads (or changes, with `change`)."""
    if change:
        return get_project_for_user(user, slug, perm=CHANGE)
    return get_project_for_user(user, slug)


def get_instance(project: Project, slug: str) -> Instance:
    return get_object_or_404(Instance.objects.select_related("rules"), project=project, slug=slug)


def get_member(project: Project, number: int) -> Member:
    return get_object_or_404(Member, project=project, number=number)


def get_mandate(project: Project, number: int) -> Mandate:
    return get_object_or_404(
        Mandate.objects.select_related("body", "member"), project=project, number=number
    )


def get_meeting(project: Project, number: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("body", "minutes_document", "updated_by"),
        project=project,
        number=number,
    )


def get_document(project: Project, number: int) -> GovernanceDocument:
    return get_object_or_404(GovernanceDocument, project=project, number=number)


# Partnerships and indemnities carry no per-project number: looked up by primary key, through
# the project (404 for another project's).
def get_partnership(project: Project, pk: int) -> Partnership:
    return get_object_or_404(Partnership, project=project, pk=pk)


def get_indemnity(project: Project, pk: int) -> Indemnity:
    return get_object_or_404(Indemnity.objects.select_related("member"), project=project, pk=pk)
