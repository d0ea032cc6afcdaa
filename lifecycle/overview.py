"""The analysts' overview (flow layer): projects by stage and by area, with the ACI funding
committed by their contracts. The figures read every project of the scope, so they are kept
for a few minutes under a fingerprint of the scope's data."""

import hashlib

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Subquery, Sum, Value

from accounts.models import Membership
from geo.models import Departement, Region
from projects.models import Contract, Project


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


def overview_figures(user, projects) -> dict:
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
