"""Starting alone, second half: a confirmed account creates its CPTS (the organisation), the
project in its first stage, the association that carries it (existing or being created) and
becomes its coordinator; he then invites his colleagues from the team page.

Agents of the review bodies never start a CPTS: their accounts come from their organisation's
invitations, and the wizard refuses a user who holds a review or analyst role.
"""

from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from accounts.models import Membership, Organisation, User
from accounts.tasks import send_account_email_task
from cpts_portal.lib import outbox
from governance.services import association_save
from projects.models import Project, ProjectEvent, State

EXISTING, CREATING = "EXISTING", "CREATING"


class StartRefused(Exception):
    """The user may not start a CPTS (a French message)."""


def may_start(user) -> bool:
    """A CPTS is started by CPTS people: not by the agents of a review body, nor analysts."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or all(m.is_cpts_role for m in user.active_memberships)


def _unique_slug(model, base: str, *, prefix: str = "", max_length: int = 80) -> str:
    base = slugify(base) or "cpts"
    if not base.startswith(prefix):
        base = prefix + base
    base = base[: max_length - 4].strip("-")
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def project_start(
    *,
    user: User,
    cpts_name: str,
    departements,
    porteur: str,
    association_name: str,
    rna: str = "",
    build_url,
) -> Project:
    if not may_start(user):
        raise StartRefused(
            "Les comptes des organismes (ARS, Assurance Maladie, URPS…) ne créent pas de "
            "projet de CPTS : un coordinateur de CPTS le fait, puis vous le transmet."
        )
    organisation = Organisation.objects.create(
        name=cpts_name,
        slug=_unique_slug(Organisation, cpts_name, prefix="cpts-"),
        kind=Organisation.Kind.CPTS,
        scope=Organisation.Scope.DEPARTEMENTS,
    )
    organisation.departements.set(departements)
    Membership.objects.create(
        user=user, organisation=organisation, role=Membership.Role.COORDINATOR
    )
    project = Project.objects.create(
        organisation=organisation,
        name=cpts_name,
        slug=_unique_slug(Project, cpts_name),
        stage=Project.Stage.INITIATIVE,
        state=State.INITIATIVE,
    )
    project.departements.set(departements)
    association_save(
        project=project,
        by=user,
        fields={"name": association_name, "rna": rna if porteur == EXISTING else ""},
    )
    ProjectEvent.objects.create(
        project=project,
        action="project_started",
        label="Projet créé sur le portail",
        to_state=State.INITIATIVE,
        actor=user,
        comment=(
            f"Porteur : {association_name} "
            + ("(association existante)" if porteur == EXISTING else "(association en création)")
        ),
    )
    outbox.enqueue(
        send_account_email_task,
        template="project_started",
        to=user.email,
        context={
            "first_name": user.first_name,
            "project_name": project.name,
            "project_url": build_url(reverse("lifecycle:project-detail", args=[project.slug])),
            "team_url": build_url(reverse("team:team-detail", args=[organisation.slug])),
            "help_url": build_url(reverse("help")),
        },
    )
    user.__dict__.pop("active_memberships", None)
    return project
