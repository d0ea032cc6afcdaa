"""Reading a project's territory: its communes, population, size tier, groups and overlaps.

Every function here runs a fixed number of queries, whatever the number of communes (a
territory may hold a thousand of them; France has 35 000).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum, Window

from geo.models import Commune
from geo.population import size_tier, total_population

from .models import TerritoryCommune

# Fields a territory's computations need: loading only them keeps 35 000 rows cheap.
_COMMUNE_FIELDS = ("code", "name", "parent_id", "population", "departement_id", "epci_id")


def territory_communes(project) -> QuerySet[Commune]:
    return Commune.objects.filter(territory_memberships__territory__project=project)


def loaded_communes(project, territory=None) -> list[Commune]:
    """The territory's communes with their département's and EPCI's names, in the order of
    the territory page's list (département, name, code). `territory`: the project's, when the
    caller has read it (no join back to the project)."""
    communes = (
        Commune.objects.filter(territory_memberships__territory_id=territory.pk)
        if territory is not None
        else territory_communes(project)
    )
    return list(
        communes.select_related("departement", "epci")
        .only(*_COMMUNE_FIELDS, "departement__name", "epci__name")
        .order_by("departement_id", "name", "code")
    )


def territory_population(project) -> int:
    """The population of the territory from the referential, counting nobody twice: summed
    by the database, as geo.population.total_population sums (an arrondissement whose city
    is in the territory too is not added again)."""
    communes = territory_communes(project)
    counted = communes.exclude(parent_id__in=communes.values("code"))
    return counted.aggregate(total=Sum("population"))["total"] or 0


def territory_tier(project) -> int:
    """The ACI size tier (1 to 4) of the territory's population."""
    return size_tier(territory_population(project))


@dataclass
class EpciGroup:
    code: str
    name: str
    commune_count: int = 0
    population: int = 0


@dataclass
class DepartementGroup:
    code: str
    name: str
    commune_count: int = 0
    population: int = 0
    epcis: list[EpciGroup] = field(default_factory=list)


@dataclass
class TerritorySummary:
    commune_count: int
    population: int
    tier: int
    departements: list[DepartementGroup]

    @property
    def departement_codes(self) -> list[str]:
        return [d.code for d in self.departements]


def territory_summary(project, communes: list[Commune] | None = None) -> TerritorySummary:
    """Communes grouped by département then EPCI, with counts and populations (one query, or
    none when the page has already read them with `loaded_communes`)."""
    if communes is None:
        communes = loaded_communes(project)
    codes = {c.code for c in communes}
    departements: dict[str, DepartementGroup] = {}
    epcis: dict[tuple[str, str], EpciGroup] = {}
    for commune in communes:
        # An arrondissement whose city is in the set is already counted by the city (the
        # builder refuses that case, but the sum must stay right whatever the data).
        counted = 0 if commune.parent_id in codes else commune.population
        departement = departements.get(commune.departement_id)
        if departement is None:
            departement = departements[commune.departement_id] = DepartementGroup(
                commune.departement_id, commune.departement.name
            )
        departement.commune_count += 1
        departement.population += counted
        key = (commune.departement_id, commune.epci_id or "")
        group = epcis.get(key)
        if group is None:
            group = epcis[key] = EpciGroup(
                commune.epci_id or "", commune.epci.name if commune.epci_id else "Sans EPCI"
            )
            departement.epcis.append(group)
        group.commune_count += 1
        group.population += counted
    groups = sorted(departements.values(), key=lambda d: d.code)
    for departement in groups:
        departement.epcis.sort(key=lambda e: (not e.code, e.name))
    population = total_population(communes)
    return TerritorySummary(
        commune_count=len(communes),
        population=population,
        tier=size_tier(population),
        departements=groups,
    )


def project_overlaps(
    territory, *, visible=None, limit: int = 50
) -> tuple[list[TerritoryCommune], int]:
    """Communes of this territory also claimed by another project: (first `limit`, total).
    With `visible` (the projects the reader may open), each row says whether its project is
    one of them (`project_visible`), in the same query."""
    mine = TerritoryCommune.objects.filter(territory_id=territory.pk).values("commune_id")
    others = TerritoryCommune.objects.filter(commune_id__in=mine).exclude(territory_id=territory.pk)
    # The total comes with the rows (a window over the whole result), not from a COUNT.
    rows = others.select_related("commune", "territory__project__organisation").annotate(
        overlap_total=Window(Count("pk"))
    )
    if visible is not None:
        rows = rows.annotate(
            project_visible=Exists(visible.filter(pk=OuterRef("territory__project_id")))
        )
    rows = list(rows.order_by("commune__name", "territory__project__name")[:limit])
    return rows, (rows[0].overlap_total if rows else 0)


def shared_communes(projects: QuerySet) -> QuerySet[Commune]:
    """Communes claimed by two projects or more, one of them among `projects`."""
    shared = (
        TerritoryCommune.objects.values("commune_id")
        .annotate(claims=Count("territory_id"))
        .filter(claims__gt=1)
        .values("commune_id")
    )
    in_scope = TerritoryCommune.objects.filter(territory__project__in=projects).values("commune_id")
    return (
        Commune.objects.filter(code__in=shared)
        .filter(code__in=in_scope)
        .select_related("departement")
        .order_by("departement_id", "name", "code")
    )


def claims_of(communes: list[Commune]) -> dict[str, list[TerritoryCommune]]:
    """The projects claiming each of `communes` (one query)."""
    claims: dict[str, list[TerritoryCommune]] = {c.code: [] for c in communes}
    rows = (
        TerritoryCommune.objects.filter(commune_id__in=list(claims))
        .select_related("territory__project__organisation")
        .order_by("territory__project__name")
    )
    for row in rows:
        claims[row.commune_id].append(row)
    return claims
