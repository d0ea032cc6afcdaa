import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Subquery,
    Sum,
    Value,
    When,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Membership
from geo.models import Departement, Region

from . import access, lifecycle, review
from .deadlines import deadline_warning, opposition_deadline
from .filters import ProjectFilter, late_q
from .lifecycle_views import lifecycle_clock
from .models import Contract, Deposit, IntentionLetter, Project, State

PAGE_SIZE = 25
EVENTS_SHOWN = 30


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
    deposit = lifecycle.current_deposit(project)
    actions = lifecycle.allowed_actions(project, request.user)
    # What the next step still needs, as its guard says (shown before the button is pressed).
    needs = [
        (action, action.guard(project))
        for action in actions
        if action.guard in (lifecycle.intention_gaps, lifecycle.deposit_gaps)
    ]
    events = project.events.select_related("actor")
    if not grant.review_roles:
        events = events.filter(public=True)
    decision = getattr(deposit, "decision", None) if deposit else None
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "grant": grant,
            "stages": Project.Stage.choices,
            "team": team,
            "state": lifecycle.effective_state(project, deposit=deposit),
            "states": dict(State.choices),
            "deposit": deposit,
            "clock": lifecycle_clock(project, deposit) if project.stage == "INSTRUCTION" else None,
            "actions": actions,
            "needs": needs,
            "events": events[:EVENTS_SHOWN],
            "decision": decision,
            "show_review": bool(deposit) and (bool(grant.review_roles) or decision is not None),
            "has_letter": IntentionLetter.objects.filter(project=project).exists(),
            "progress": review.avis_progress(deposit) if deposit else None,
            "contract": Contract.objects.filter(project=project).first(),
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
    latest = Deposit.objects.filter(project=OuterRef("pk")).order_by("-number")
    # Projects under review first, by deadline (it grows with the clock's start date).
    projects = (
        access.reviewable_projects(request.user)
        .annotate(
            clock_start=Subquery(latest.values("clock_start_date")[:1]),
            clock_suspended=Subquery(latest.values("is_incomplete")[:1]),
            is_late=ExpressionWrapper(late_q(), output_field=BooleanField()),
        )
        .order_by(
            Case(When(state__in=[State.DEPOSITED, State.INCOMPLETE], then=0), default=1),
            F("clock_start").asc(nulls_last=True),
            "name",
        )
    )
    departements = Departement.objects.filter(
        code__in=Project.departements.through.objects.filter(
            project__in=access.reviewable_projects(request.user)
        ).values("departement_id")
    )
    project_filter, page, query = _filtered_page(request, projects, departements)
    today = timezone.localdate()
    for project in page:
        project.clock = None
        if project.clock_start and project.state in (State.DEPOSITED, State.INCOMPLETE):
            deadline = opposition_deadline(project.clock_start)
            days_left = (deadline - today).days
            project.clock = {
                "deadline": deadline,
                "days_left": days_left,
                "suspended": project.clock_suspended,
                "level": "danger" if days_left < 7 else "warning" if days_left < 15 else "success",
                "warning": deadline_warning(deadline),
            }
    return render(
        request,
        "projects/review_queue.html",
        {"filter": project_filter, "page": page, "query": query},
    )


def territory_table(projects, *, by_region: bool = False) -> dict:
    """Projects by département (or by région, for a national view) and stage, with the ACI
    funding committed by their contracts (a regular year at full attainment). A project over
    two areas counts in each; the totals count it once. Three queries, whatever the number of
    projects, and at most one row per area of the analyst's scope."""
    through = Project.departements.through
    stages = [value for value, _ in Project.Stage.choices]
    area = "departement__region_id" if by_region else "departement_id"
    area_name = "departement__region__name" if by_region else "departement__name"
    rows = {}
    counts = (
        through.objects.filter(project__in=projects)
        .values_list(area, area_name, "project__stage")
        .annotate(n=Count("project_id", distinct=True))
        .order_by()
    )
    for code, name, stage, n in counts:
        row = rows.setdefault(
            code, {"code": code, "name": name, "stages": dict.fromkeys(stages, 0)}
        )
        row["stages"][stage] = n
    # Each contract once per area, however many of the area's départements its project
    # covers: correlated subqueries over the areas that have projects.
    in_area = through.objects.filter(
        project_id=OuterRef("project_id"), **{area: OuterRef(OuterRef("pk"))}
    )
    contracts = (
        Contract.objects.filter(project__in=projects)
        .filter(Exists(in_area))
        .annotate(one=Value(1))
        .values("one")
        .order_by()
    )
    area_model = Region if by_region else Departement
    committed = area_model.objects.filter(pk__in=list(rows)).annotate(
        contracts=Subquery(contracts.annotate(n=Count("pk")).values("n")[:1]),
        total=Subquery(contracts.annotate(t=Sum("annual_amount")).values("t")[:1]),
    )
    for item in committed:
        rows[item.pk]["contracts"], rows[item.pk]["committed"] = item.contracts, item.total
    totals = projects.aggregate(
        contracts=Count("contract"), committed=Sum("contract__annual_amount")
    )
    return {
        "by_region": by_region,
        "rows": [
            {**row, "counts": [row["stages"][stage] for stage in stages]}
            for _, row in sorted(rows.items())
        ],
        "totals": totals,
    }


def _national(user) -> bool:
    return user.is_superuser or any(
        m.role == Membership.Role.ANALYST and m.organisation.scope == "NATIONAL"
        for m in user.active_memberships
    )


OVERVIEW_CACHE_SECONDS = 300


def _overview_figures(user, projects) -> dict:
    """The analyst overview's aggregates (by stage, by area, funding committed). They read
    every project of the scope, so they are kept for a few minutes under a fingerprint of the
    scope's data: any new project or change of stage (which touches updated_at) computes them
    again at once."""
    by_region = _national(user)
    fingerprint = projects.aggregate(n=Count("pk"), last=Max("updated_at"))
    scope = sorted(m.organisation_id for m in user.active_memberships)
    key = (
        "analyst-overview:"
        + hashlib.sha256(
            f"{user.is_superuser}|{scope}|{by_region}|{fingerprint['n']}|{fingerprint['last']}".encode()
        ).hexdigest()
    )
    figures = cache.get(key)
    if figures is None:
        counts = dict(projects.values_list("stage").annotate(n=Count("pk")).order_by())
        figures = {
            "stages": [
                (value, label, counts.get(value, 0)) for value, label in Project.Stage.choices
            ],
            "total": fingerprint["n"],
            "by_area": territory_table(projects, by_region=by_region),
            # The filter's départements: those of the scope's projects.
            "departement_codes": sorted(
                set(
                    Project.departements.through.objects.filter(project__in=projects).values_list(
                        "departement_id", flat=True
                    )
                )
            ),
        }
        cache.set(key, figures, OVERVIEW_CACHE_SECONDS)
    return figures


@require_GET
def analyst_overview(request):
    access.require_role(request.user, analyst=True)
    projects = access.analysable_projects(request.user)
    figures = _overview_figures(request.user, projects)
    departements = Departement.objects.filter(code__in=figures.pop("departement_codes"))
    project_filter, page, query = _filtered_page(request, projects, departements)
    return render(
        request,
        "projects/analyst_overview.html",
        {
            "filter": project_filter,
            "page": page,
            "query": query,
            **figures,
        },
    )
