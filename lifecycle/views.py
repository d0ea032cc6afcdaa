from django.db.models import Case, F, Prefetch, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Membership
from cpts_portal.lib.fragments import Fragments, render_kept
from cpts_portal.lib.pagination import page_of
from cpts_portal.lib.urls import url_maker
from geo.models import Departement
from projects import access
from projects.models import IntentionAnswer, IntentionLetter, Project, State

from . import overview, queue, review
from . import transitions as lifecycle
from .filters import ProjectFilter
from .transition_views import lifecycle_clock

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
                    "url": reverse("lifecycle:project-detail", args=[project.slug]),
                }
            )
    roles = {m.role for m in user.active_memberships}
    if roles & set(Membership.REVIEW_ROLES):
        destinations.append(
            {
                "label": "Instruction",
                "detail": "Les projets de votre périmètre",
                "url": reverse("lifecycle:review-queue"),
            }
        )
    if Membership.Role.ANALYST in roles or user.is_superuser:
        destinations.append(
            {
                "label": "Vue d'ensemble",
                "detail": "Où en est chaque CPTS",
                "url": reverse("lifecycle:analyst-overview"),
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
    return render(request, "lifecycle/home.html", {"destinations": destinations})


@require_GET
def project_detail(request, slug):
    project = access.get_project_for_user(request.user, slug)
    grant = access.access_for(request.user, project)
    team = []
    if grant.cpts_role:
        rank = {role: i for i, role in enumerate(Membership.Role.values)}
        team = sorted(
            Membership.objects.filter(organisation_id=project.organisation_id).select_related(
                "user"
            ),
            key=lambda m: (rank[m.role], m.user.last_name, m.user.first_name),
        )
    # The current deposit with its decision and who took it (the page names him).
    deposit, contract = project.deposit_and_contract("decision__decided_by")
    letter = IntentionLetter.objects.filter(project=project).first()
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
        "lifecycle/project_detail.html",
        {
            "project": project,
            "grant": grant,
            "stages": Project.Stage.choices,
            "team": team,
            "state": lifecycle.effective_state(project, deposit=deposit),
            "states": dict(State.choices),
            "deposit": deposit,
            "clock": lifecycle_clock(project, deposit),
            "piece_requests": deposit.piece_requests.prefetch_related("files") if deposit else [],
            "actions": actions,
            "needs": needs,
            "events": events[:EVENTS_SHOWN],
            "decision": decision,
            "show_review": bool(deposit) and (bool(grant.review_roles) or decision is not None),
            "has_letter": letter is not None,
            "intention_answers": intention_summary(letter),
            "progress": review.avis_progress(deposit) if deposit else None,
            "contract": contract,
        },
    )


def intention_summary(letter) -> dict | None:
    """The answers of the DD ARS and the CPAM to the project's intention `letter` (None: it
    has none) at its latest submission: "validée" only when both validated (one query,
    whatever the history)."""
    if letter is None or letter.round == 0:
        return None
    answers = list(letter.answers.filter(round=letter.round).select_related("by"))
    if not answers:
        return None
    given = {a.body: a.answer for a in answers}
    return {
        "round": letter.round,
        "answers": answers,
        "validated": all(
            given.get(body) == IntentionAnswer.Answer.VALIDATED
            for body in IntentionAnswer.BODY_LABELS
        ),
        "rework": IntentionAnswer.Answer.REWORK in given.values(),
        "waiting": [
            f"la {label}"
            for body, label in IntentionAnswer.BODY_LABELS.items()
            if body not in given
        ],
    }


def _filtered_page(request, queryset, departements, *, total: int | None = None):
    """The filter and the page of its projects. `total`: the number of `queryset`'s projects
    when the caller has it, used while no filter is typed."""
    queryset = queryset.select_related("organisation").prefetch_related(
        Prefetch("departements", queryset=Departement.objects.order_by("code"))
    )
    project_filter = ProjectFilter(request.GET, queryset=queryset, departements=departements)
    filtered = any(request.GET.get(name) for name in project_filter.filters)
    page = page_of(
        project_filter.qs,
        request.GET.get("page"),
        PAGE_SIZE,
        count=None if filtered else total,
    )
    detail_url = url_maker("lifecycle:project-detail")
    for project in page:  # each row's link, from one reversed prefix
        project.detail_url = detail_url(project.slug)
    query = request.GET.copy()
    query.pop("page", None)
    return project_filter, page, query.urlencode()


@require_GET
def review_queue(request):
    access.require_role(request.user, review=True)
    # Projects under review first, by deadline (it grows with the clock's start date).
    projects = queue.queue_projects(request.user).order_by(
        Case(When(state__in=[State.DEPOSITED, State.INCOMPLETE], then=0), default=1),
        F("clock_start").asc(nulls_last=True),
        "name",
    )
    departements = access.review_departements(request.user)
    project_filter, page, query = _filtered_page(request, projects, departements)
    rows = list(page)  # the page keeps these rows
    today = timezone.localdate()
    queue.attach_clocks(rows, today)
    queue.attach_lateness(rows, today)
    return render(
        request,
        "lifecycle/review_queue.html",
        {"filter": project_filter, "page": page, "query": query},
    )


@require_GET
def analyst_overview(request):
    access.require_role(request.user, analyst=True)
    projects = access.analysable_projects(request.user)
    figures = overview.overview_figures(request.user, projects)
    departements = Departement.objects.filter(code__in=figures.pop("departement_codes"))
    project_filter, page, query = _filtered_page(
        request, projects, departements, total=figures["total"]
    )
    return render(
        request,
        "lifecycle/analyst_overview.html",
        {
            "filter": project_filter,
            "page": page,
            "query": query,
            "by_area_html": _by_area_html(request, figures),
            **figures,
        },
    )


# The overview's table by area, written once per content (a national view: 18 regions by
# 8 columns); its key is every figure it shows.
BY_AREA = Fragments(size=500)


def _by_area_html(request, figures):
    by_area = figures["by_area"]
    rows = tuple(
        (row["code"], row["name"], tuple(row["counts"]), row.get("contracts"), row.get("committed"))
        for row in by_area["rows"]
    )
    key = (
        by_area["by_region"],
        tuple(figures["stages"]),
        rows,
        tuple(sorted(by_area["totals"].items())),
    )
    return render_kept(BY_AREA, key, request, "lifecycle/_by_area.html", figures)
