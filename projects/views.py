from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.models import Membership
from geo.models import Departement

from . import access
from .filters import ProjectFilter
from .models import Project

PAGE_SIZE = 25


def _home_destinations(user) -> list[dict]:
    """Every workspace the user can enter, in the order of the navigation."""
    destinations = []
    cpts_org_ids = [m.organisation_id for m in user.active_memberships if m.is_cpts_role]
    if cpts_org_ids:
        for project in access.projects_for_user(user).filter(organisation_id__in=cpts_org_ids):
            destinations.append(
                {
                    "label": project.name,
                    "detail": "Espace de travail de la CPTS",
                    "url": reverse("projects:project-detail", args=[project.slug]),
                }
            )
    roles = {m.role for m in user.active_memberships}
    if roles & set(Membership.REVIEW_ROLES):
        destinations.append(
            {
                "label": "Instruction",
                "detail": "Les projets de votre périmètre",
                "url": reverse("projects:review-queue"),
            }
        )
    if Membership.Role.ANALYST in roles or user.is_superuser:
        destinations.append(
            {
                "label": "Vue d'ensemble",
                "detail": "Où en est chaque CPTS",
                "url": reverse("projects:analyst-overview"),
            }
        )
    if user.is_staff:
        destinations.append(
            {
                "label": "Administration",
                "detail": "Comptes, organisations, référentiels",
                "url": reverse("admin:index"),
            }
        )
    return destinations


@require_GET
def home(request):
    destinations = _home_destinations(request.user)
    if len(destinations) == 1:
        return redirect(destinations[0]["url"])
    return render(request, "projects/home.html", {"destinations": destinations})


@require_GET
def project_detail(request, slug):
    project = access.get_project_for_user(request.user, slug)
    grant = access.grant_for(request.user, project)
    team = []
    if grant.cpts_role:
        rank = {role: i for i, role in enumerate(Membership.Role.values)}
        team = sorted(
            Membership.objects.filter(organisation_id=project.organisation_id).select_related(
                "user"
            ),
            key=lambda m: (rank[m.role], m.user.last_name, m.user.first_name),
        )
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "grant": grant,
            "stages": Project.Stage.choices,
            "team": team,
        },
    )


def _filtered_page(request, queryset, departements):
    queryset = queryset.select_related("organisation").prefetch_related(
        Prefetch("departements", queryset=Departement.objects.order_by("code"))
    )
    project_filter = ProjectFilter(request.GET, queryset=queryset, departements=departements)
    page = Paginator(project_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return project_filter, page, query.urlencode()


@require_GET
def review_queue(request):
    access.require_role(request.user, review=True)
    projects = access.reviewable_projects(request.user).order_by("submitted_at", "name")
    departements = Departement.objects.filter(
        code__in=Project.departements.through.objects.filter(
            project__in=access.reviewable_projects(request.user)
        ).values("departement_id")
    )
    project_filter, page, query = _filtered_page(request, projects, departements)
    return render(
        request,
        "projects/review_queue.html",
        {"filter": project_filter, "page": page, "query": query},
    )


@require_GET
def analyst_overview(request):
    access.require_role(request.user, analyst=True)
    projects = access.analysable_projects(request.user)
    counts = dict(projects.values_list("stage").annotate(n=Count("pk")).order_by())
    stages = [(value, label, counts.get(value, 0)) for value, label in Project.Stage.choices]
    departements = Departement.objects.filter(
        code__in=Project.departements.through.objects.filter(project__in=projects).values(
            "departement_id"
        )
    )
    project_filter, page, query = _filtered_page(request, projects, departements)
    return render(
        request,
        "projects/analyst_overview.html",
        {
            "filter": project_filter,
            "page": page,
            "query": query,
            "stages": stages,
            "total": sum(counts.values()),
        },
    )
