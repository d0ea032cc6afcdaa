"""Phase 2: each project's territory (its communes) and its diagnostic (sections, figures of
the population, needs)."""

from __future__ import annotations

from decimal import Decimal

from diagnostics.models import (
    DiagnosticFigure,
    DiagnosticSection,
    Need,
    Territory,
    TerritoryChange,
    TerritoryCommune,
)
from geo.population import size_tier
from projects.models import Project

from .batch import Batch, Cpts

# The needs of every diagnostic: (label, source); need n has priority PRIORITIES[n % 3].
NEEDS = [
    ("Trouver un médecin traitant pour les patients fragiles", "Assurance Maladie, Rézone CPTS"),
    ("Organiser les soins non programmés en journée", "Enquête auprès des professionnels"),
    ("Coordonner la sortie d'hospitalisation des personnes âgées", "Centre hospitalier"),
    ("Améliorer le dépistage des cancers", "Centre régional de coordination des dépistages"),
    ("Accueillir et installer de jeunes professionnels", "Ordres professionnels, URPS"),
]
PRIORITIES = ("HIGH", "MEDIUM", "LOW")


def build(batch: Batch) -> None:
    for cpts in batch.cpts:
        _territory_and_diagnostic(batch, cpts)
    batch.rows.flush(Project.departements.through, Territory, DiagnosticSection, Need)
    for cpts in batch.cpts:
        _communes(batch, cpts)
        _population_figures(batch, cpts)
    batch.rows.flush(TerritoryCommune, TerritoryChange, DiagnosticFigure)


def _territory_and_diagnostic(batch: Batch, cpts: Cpts) -> None:
    spec, project, add = cpts.spec, cpts.project, batch.rows.add
    for code in sorted({c.departement_id for c in spec.communes}):
        add(Project.departements.through(project_id=project.pk, departement_id=code))
    cpts.territory = add(
        Territory(
            project=project,
            population=cpts.population,
            tier=size_tier(cpts.population),
            updated_by=cpts.coordinator,
        )
    )
    cpts.sections = [
        add(
            DiagnosticSection(
                project=project,
                key=key,
                text=f"{label} du territoire de la {spec.name} ({spec.departement.name}) : "
                "constats partagés par les professionnels lors des soirées d'échanges et "
                "données de l'Assurance Maladie et de l'INSEE.",
                updated_by=cpts.coordinator,
            )
        )
        for key, label in DiagnosticSection.Key.choices
    ]
    cpts.needs = [
        add(
            Need(
                project=project,
                number=n,
                label=label,
                source=source,
                priority=PRIORITIES[n % 3],
                updated_by=cpts.coordinator,
            )
        )
        for n, (label, source) in enumerate(NEEDS, start=1)
    ]


def _communes(batch: Batch, cpts: Cpts) -> None:
    """The communes of the territory, added in one change."""
    communes, territory = cpts.spec.communes, cpts.territory
    for commune in communes:
        batch.rows.add(
            TerritoryCommune(
                territory=territory, commune_id=commune.code, added_by=cpts.coordinator
            )
        )
    batch.rows.add(
        TerritoryChange(
            territory=territory,
            action=TerritoryChange.Action.ADD,
            subject=f"{len(communes)} communes de {cpts.spec.departement.name}",
            commune_codes=" ".join(c.code for c in communes),
            commune_count=len(communes),
            population_after=territory.population,
            tier_after=territory.tier,
            by=cpts.coordinator,
        )
    )


def _population_figures(batch: Batch, cpts: Cpts) -> None:
    """The figures of the population section, compared to the département's."""
    section = cpts.sections[1]  # DiagnosticSection.Key.POPULATION
    seed = cpts.spec.index
    figures = [  # (label, value, unit, value of the département)
        ("Population municipale", cpts.territory.population, "habitants", None),
        ("75 ans et plus", 8 + seed % 7, "%", 10),
        ("Patients en affection de longue durée (ALD)", 15 + seed % 8, "%", 19),
        ("Patients de 17 ans et plus sans médecin traitant", 6 + seed % 9, "%", 11),
        ("Densité de médecins généralistes", 6 + seed % 5, "pour 10 000 hab.", 9),
    ]
    for position, (label, value, unit, comparison) in enumerate(figures):
        batch.rows.add(
            DiagnosticFigure(
                section=section,
                label=label,
                value=Decimal(value),
                unit=unit,
                year=batch.today.year - 2,
                source="INSEE ; Assurance Maladie, Rézone CPTS",
                comparison_value=None if comparison is None else Decimal(comparison),
                comparison_label="" if comparison is None else cpts.spec.departement.name,
                position=position,
            )
        )
