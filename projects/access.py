"""Scoped access to projects: every lookup of a CPTS's data goes through here.

Outsiders get 404 (they must not learn a project exists); people who may see a project but
not do the thing asked get 403. A user's memberships are loaded once per request
(`User.active_memberships`), so these checks add no query per project.
"""

from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Membership, Organisation
from geo.models import Departement

from .deadlines import deposit_clock
from .models import Project

Role = Membership.Role
Scope = Organisation.Scope


@dataclass(frozen=True)
class ProjectAccess:
    """What one user holds on one project."""

    cpts_role: str | None = None
    review_roles: frozenset[str] = frozenset()
    review_kinds: frozenset[str] = frozenset()
    analyst: bool = False
    admin: bool = False

    @property
    def cpts_role_label(self) -> str:
        return Role(self.cpts_role).label if self.cpts_role else ""

    @property
    def any(self) -> bool:
        return bool(self.cpts_role or self.review_roles or self.analyst or self.admin)


def _scope(organisation: Organisation, prefix: str = "") -> Q | None:
    """The organisation's scope as a condition on départements (`prefix`: the path to them),
    None for all of France."""
    if organisation.scope == Scope.NATIONAL:
        return None
    if organisation.scope == Scope.REGION:
        return Q(**{f"{prefix}region_id": organisation.region_id})
    return Q(**{f"{prefix}code__in": [d.code for d in organisation.departements.all()]})


def _scope_q(organisation: Organisation) -> Q:
    """Projects whose territory touches the organisation's scope."""
    scope = _scope(organisation, "departement__")
    if scope is None:
        return Q(pk__isnull=False)  # not Q(): an empty Q vanishes when OR-ed
    through = Project.departements.through
    return Q(pk__in=through.objects.filter(scope).values("project_id"))


def _in_scope(organisation: Organisation, project: Project) -> bool:
    departements = project.departements.all()
    if organisation.scope == Scope.NATIONAL:
        return True
    if organisation.scope == Scope.REGION:
        return any(d.region_id == organisation.region_id for d in departements)
    scope_codes = {d.code for d in organisation.departements.all()}
    return any(d.code in scope_codes for d in departements)


def projects_for_user(user) -> QuerySet[Project]:
    """Every project the user may open, whatever his role."""
    if not user.is_authenticated or not user.is_active:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    condition = Q(pk__in=[])
    for membership in user.active_memberships:
        organisation = membership.organisation
        if membership.is_cpts_role:
            condition |= Q(organisation_id=organisation.pk)
        elif membership.is_review_role:
            condition |= Q(submitted_at__isnull=False) & _scope_q(organisation)
        elif membership.role == Role.ANALYST:
            condition |= _scope_q(organisation)
    return Project.objects.filter(condition)


def reviewable_projects(user) -> QuerySet[Project]:
    """Projects the user reviews for one of his review bodies (the reviewer's queue)."""
    condition = Q(pk__in=[])
    for membership in user.active_memberships:
        if membership.is_review_role:
            condition |= _scope_q(membership.organisation)
    return Project.objects.submitted().filter(condition)


def review_departements(user) -> QuerySet[Departement]:
    """The départements of the user's review scopes (the queue's filter): those of a
    départemental body, a region's, or all of France. Read from the memberships already in
    hand, in one small query."""
    condition = Q(pk__in=[])
    for membership in user.active_memberships:
        if membership.is_review_role:
            scope = _scope(membership.organisation)
            if scope is None:
                return Departement.objects.all()
            condition |= scope
    return Departement.objects.filter(condition)


def analysable_projects(user) -> QuerySet[Project]:
    """Projects an analyst follows: his region or France."""
    if user.is_superuser:
        return Project.objects.all()
    condition = Q(pk__in=[])
    for membership in user.active_memberships:
        if membership.role == Role.ANALYST:
            condition |= _scope_q(membership.organisation)
    return Project.objects.filter(condition)


def access_for(user, project: Project) -> ProjectAccess:
    if not user.is_authenticated or not user.is_active:
        return ProjectAccess()
    cache = project.__dict__.setdefault("_grants", {})
    if user.pk in cache:
        return cache[user.pk]
    cpts_role = None
    review_roles, review_kinds = set(), set()
    analyst = False
    for membership in user.active_memberships:
        organisation = membership.organisation
        if membership.is_cpts_role and organisation.pk == project.organisation_id:
            cpts_role = membership.role
        elif (
            membership.is_review_role and project.is_submitted and _in_scope(organisation, project)
        ):
            review_roles.add(membership.role)
            review_kinds.add(organisation.kind)
        elif membership.role == Role.ANALYST and _in_scope(organisation, project):
            analyst = True
    grant = ProjectAccess(
        cpts_role=cpts_role,
        review_roles=frozenset(review_roles),
        review_kinds=frozenset(review_kinds),
        analyst=analyst,
        admin=user.is_superuser,
    )
    cache[user.pk] = grant
    return grant


def get_project_for_user(user, slug: str, *, perm: str = "projects.view_project") -> Project:
    """The project `slug` if the user may see it (else 404) and holds `perm` (else 403)."""
    queryset = projects_for_user(user).select_related("organisation")
    if user.is_superuser or any(not m.is_cpts_role for m in user.active_memberships):
        # A reviewer's or an analyst's rights depend on the project's départements.
        queryset = queryset.prefetch_related("departements")
    try:
        project = queryset.get(slug=slug)
    except Project.DoesNotExist:
        raise Http404("Projet introuvable.") from None
    if not rules.has_perm(perm, user, project):
        raise PermissionDenied("Votre rôle ne permet pas cette action sur ce projet.")
    return project


def require_role(user, *, review: bool = False, analyst: bool = False) -> None:
    """403 unless the user holds a review role (queue) or an analyst role (overview)."""
    roles = {m.role for m in user.active_memberships}
    allowed = (review and roles & set(Membership.REVIEW_ROLES)) or (
        analyst and (Role.ANALYST in roles or user.is_superuser)
    )
    if not allowed:
        raise PermissionDenied("Cette page est réservée à un autre rôle.")


def get_review_for_user(user, slug: str):
    """The project and its current deposit for the review pages.

    Reviewers in scope see them; the CPTS and analysts only once the decision is taken (avis
    stay internal until then: 404, as if the page did not exist).
    """
    project = get_project_for_user(user, slug)
    deposit = project.current_deposit()
    if deposit is None:
        raise Http404("Aucun dépôt.")
    grant = access_for(user, project)
    if grant.review_roles:
        return project, deposit, grant
    # From the decision (or the tacit validation) on, the CPTS reads the avis rendered
    # (documents préparatoires communicables): projects.deadlines.deposit_clock.
    if deposit_clock(deposit).decided:
        return project, deposit, grant
    raise Http404("Page introuvable.")
