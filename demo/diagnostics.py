"""Demo territories and diagnostics of the three CPTS of demo/seed.py.

Territories are real communes of the referential. The diagnostic figures are plausible
illustrations for the demonstration (their sources name where such figures come from), not
official statistics. Idempotent: a territory or section already in its demo state is left as
it is; one that differs is brought back to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from cpts_portal.lib.numbers import parse_french_decimal
from cpts_portal.lib.versioning import create_versioned
from diagnostics import services
from diagnostics.models import (
    DiagnosticFigure,
    DiagnosticSection,
    Need,
    TerritoryChange,
    TerritoryCommune,
)
from diagnostics.territory import territory_communes
from geo.models import Commune

Key = DiagnosticSection.Key
INDICATOR, AGE = DiagnosticFigure.Kind.INDICATOR, DiagnosticFigure.Kind.AGE_BRACKET
HIGH, MEDIUM, LOW = Need.Priority.HIGH, Need.Priority.MEDIUM, Need.Priority.LOW


@dataclass(frozen=True)
class TerritorySpec:
    coordinator: str  # e-mail local part of the demo account who builds it
    epcis: list[str]  # SIREN codes: every commune of these EPCI
    communes: list[str]  # and these communes (INSEE codes)


@dataclass(frozen=True)
class Figure:
    """A figure of a diagnostic section. Numbers are written as in the form (decimal comma);
    `comparison` is the value of the département the diagnostic compares to."""

    label: str
    value: str
    unit: str
    year: int
    source: str
    comparison: str | None = None
    area: str = ""  # a commune, when the figure is not the whole territory's
    kind: str = INDICATOR

    def values(self, compared_to: str) -> dict:
        """The fields of the DiagnosticFigure, as the diagnostic services read and write them."""
        return {
            "kind": self.kind,
            "label": self.label,
            "area": self.area,
            "value": _number(self.value),
            "unit": self.unit,
            "year": self.year,
            "source": self.source,
            "comparison_value": _number(self.comparison),
            "comparison_label": "" if self.comparison is None else compared_to,
        }


@dataclass(frozen=True)
class DiagnosticSpec:
    compared_to: str  # the département of the comparison values
    texts: dict[str, str]  # section key: text
    figures: dict[str, list[Figure]]  # section key: figures
    needs: list[tuple[str, str, str]]  # (label, source, priority), numbered from 1


def _number(text: str | None) -> Decimal | None:
    return None if text is None else parse_french_decimal(text).quantize(Decimal("0.001"))


TERRITORIES = {
    "pic-saint-loup": TerritorySpec("claire.martin", epcis=["200022986"], communes=[]),
    "uzege-pont-du-gard": TerritorySpec(
        "thomas.lefevre", epcis=["200034379"], communes=["30212", "30346"]
    ),
    # Saint-Martin-de-Londres also belongs to the Grand Pic Saint-Loup: the overlap shows.
    "lodevois-larzac": TerritorySpec("nadia.mercier", epcis=["200017341"], communes=["34274"]),
}

REZONE = "Assurance Maladie, Rézone CPTS"
AGE_BRACKETS = [
    "0 à 14 ans",
    "15 à 29 ans",
    "30 à 44 ans",
    "45 à 59 ans",
    "60 à 74 ans",
    "75 ans et plus",
]


def _population_figures(population: str, *, ages, ald, css, without_doctor) -> list[Figure]:
    """The population section of a demo diagnostic: the population, then shares in % given as
    (territory, département): per age bracket (youngest first), of patients in ALD, of
    beneficiaries of the Complémentaire santé solidaire, of patients without a doctor."""
    shares = [
        ("Patients en affection de longue durée (ALD)", ald),
        ("Bénéficiaires de la Complémentaire santé solidaire", css),
        ("Patients de 17 ans et plus sans médecin traitant", without_doctor),
    ]
    return [
        Figure(
            "Population municipale", population, "habitants", 2021, "INSEE, populations légales"
        ),
        *[
            Figure(label, value, "%", 2023, "INSEE, RP 2023", comparison=comparison, kind=AGE)
            for label, (value, comparison) in zip(AGE_BRACKETS, ages, strict=True)
        ],
        *[
            Figure(label, value, "%", 2024, REZONE, comparison=comparison)
            for label, (value, comparison) in shares
        ],
    ]


def _density(profession: str, value: str, comparison: str) -> Figure:
    return Figure(
        f"Densité {profession}",
        value,
        "pour 10 000 hab.",
        2024,
        "RPPS, Rézone CPTS",
        comparison=comparison,
    )


def _doctors_in(commune: str, count: str) -> Figure:
    return Figure("Médecins généralistes", count, "médecins", 2024, "RPPS", area=commune)


def _emergencies(value: str, comparison: str) -> Figure:
    return Figure(
        "Passages aux urgences",
        value,
        "pour 1 000 hab.",
        2023,
        "ARS Occitanie, RPU",
        comparison=comparison,
    )


PIC_FIGURES = {
    Key.POPULATION: _population_figures(
        "51678",
        ages=[
            ("18,4", "16,3"),
            ("13,1", "18,6"),
            ("17,9", "17,9"),
            ("21,6", "19,0"),
            ("19,1", "17,3"),
            ("9,9", "10,9"),
        ],
        ald=("17,8", "19,4"),
        css=("5,1", "11,2"),
        without_doctor=("9,6", "11,3"),
    ),
    Key.SUPPLY: [
        Figure("Médecins généralistes libéraux", "38", "médecins", 2024, "RPPS, Rézone CPTS"),
        _density("de médecins généralistes", "7,4", comparison="9,8"),
        Figure("Médecins généralistes de 60 ans et plus", "34", "%", 2024, "RPPS", comparison="29"),
        _density("d'infirmiers libéraux", "21,5", comparison="23,9"),
        _density("de masseurs-kinésithérapeutes", "14,2", comparison="17,1"),
        _doctors_in("Saint-Gély-du-Fesc", "9"),
        _doctors_in("Saint-Martin-de-Londres", "3"),
        Figure("Officines de pharmacie", "14", "officines", 2024, "FINESS"),
    ],
    Key.CONSUMPTION: [
        _emergencies("212", comparison="248"),
        Figure(
            "Consultations de médecine générale faites hors du territoire", "31", "%", 2024, REZONE
        ),
        Figure(
            "Dépistage organisé du cancer colorectal",
            "31,2",
            "%",
            2021,
            "Santé publique France",
            comparison="29,8",
        ),
        Figure(
            "Vaccination antigrippale des 65 ans et plus",
            "52,3",
            "%",
            2024,
            "SNDS",
            comparison="51,0",
        ),
    ],
}

PIC_TEXTS = {
    Key.METHOD: (
        "Le diagnostic a été piloté par la coordinatrice de la CPTS avec un groupe de huit "
        "professionnels (médecins, infirmières, pharmaciens, kinésithérapeute, sage-femme), "
        "de janvier à mars 2026.\n\n"
        "- Données statistiques : outil Rézone CPTS de l'Assurance Maladie, INSEE, ARS "
        "Occitanie.\n"
        "- Vécu des professionnels : questionnaire en ligne (74 réponses) et trois réunions "
        "de secteur (nord, centre, sud du territoire).\n"
        "- Parole des usagers : rencontre avec le Centre communal d'action sociale de "
        "Saint-Mathieu-de-Tréviers et une association de patients.\n\n"
        "Les chiffres de cette démonstration sont illustratifs."
    ),
    Key.POPULATION: (
        "Territoire périurbain au nord de Montpellier, en croissance démographique. Le sud "
        "(Saint-Gély-du-Fesc, Saint-Clément-de-Rivière) accueille de jeunes familles ; le nord "
        "(Claret, Saint-Martin-de-Londres) est plus rural et plus âgé.\n\n"
        "La part de patients sans médecin traitant reste inférieure à celle de l'Hérault mais "
        "progresse, surtout au nord, avec les départs en retraite."
    ),
    Key.SUPPLY: (
        "L'offre de premier recours est concentrée au sud du territoire. La densité de "
        "médecins généralistes est inférieure à celle du département et un tiers d'entre eux "
        "a 60 ans ou plus : quatre départs en retraite sont annoncés d'ici 2028.\n\n"
        "Une maison de santé pluriprofessionnelle fonctionne à Saint-Mathieu-de-Tréviers ; "
        "une seconde est en projet à Saint-Martin-de-Londres."
    ),
    Key.CONSUMPTION: (
        "Près d'un tiers des consultations de médecine générale des habitants ont lieu hors "
        "du territoire, surtout à Montpellier. Le recours aux urgences du CHU est fréquent "
        "pour des motifs relevant de la ville, en fin de journée et le samedi."
    ),
    Key.ACTORS: (
        "- Maison de santé pluriprofessionnelle de Saint-Mathieu-de-Tréviers\n"
        "- Deux services de soins infirmiers à domicile (SSIAD) et un service d'aide à "
        "domicile intercommunal\n"
        "- Quatre EHPAD\n"
        "- Le dispositif d'appui à la coordination (DAC) de l'Hérault\n"
        "- La communauté de communes du Grand Pic Saint-Loup (contrat local de santé en "
        "préparation)"
    ),
    Key.ACCESS: (
        "Les professionnels décrivent des difficultés à trouver un médecin traitant pour les "
        "nouveaux arrivants, des demandes de soins non programmés sans réponse en journée, et "
        "des retours à domicile après hospitalisation mal préparés pour les personnes âgées "
        "isolées du nord du territoire."
    ),
    Key.NEEDS: (
        "Les besoins ont été priorisés en réunion plénière du 19 mars 2026 au regard des "
        "missions de l'ACI."
    ),
    Key.SWOT: (
        "Forces :\n\n"
        "- Une habitude de travail ensemble autour de la MSP\n"
        "- Des élus engagés et un contrat local de santé en préparation\n\n"
        "Faiblesses :\n\n"
        "- Une démographie médicale vieillissante au nord\n"
        "- Peu d'outils partagés entre professionnels"
    ),
    Key.LEADS: (
        "1. Organiser l'accès à un médecin traitant pour les patients qui en sont dépourvus, "
        "en priorité les patients en ALD.\n"
        "2. Mettre en place une réponse coordonnée aux soins non programmés en journée.\n"
        "3. Construire un parcours de sortie d'hospitalisation des personnes âgées.\n"
        "4. Relancer le dépistage du cancer colorectal avec les pharmacies."
    ),
}

PIC_NEEDS = [
    (
        "Faciliter l'accès à un médecin traitant pour les patients qui en sont dépourvus, "
        "notamment au nord du territoire",
        "Rézone CPTS 2024 ; questionnaire aux professionnels",
        HIGH,
    ),
    (
        "Organiser une réponse aux demandes de soins non programmés en journée, en ville",
        "Réunions de secteur ; données de passages aux urgences",
        HIGH,
    ),
    (
        "Sécuriser le retour à domicile des personnes âgées après une hospitalisation",
        "Groupe de travail parcours ; SSIAD du territoire",
        MEDIUM,
    ),
    (
        "Améliorer la participation au dépistage organisé du cancer colorectal",
        "Santé publique France 2021",
        MEDIUM,
    ),
    (
        "Accueillir des stagiaires et des remplaçants pour préparer les installations",
        "Questionnaire aux professionnels",
        LOW,
    ),
]

UZEGE_FIGURES = {
    Key.POPULATION: _population_figures(
        "35272",
        ages=[
            ("16,2", "16,6"),
            ("12,4", "15,2"),
            ("16,3", "16,9"),
            ("20,8", "20,1"),
            ("22,5", "20,0"),
            ("11,8", "11,2"),
        ],
        ald=("21,3", "21,0"),
        css=("9,8", "13,4"),
        without_doctor=("12,4", "12,9"),
    ),
    Key.SUPPLY: [
        _density("de médecins généralistes", "8,1", comparison="8,9"),
        _density("d'infirmiers libéraux", "25,7", comparison="27,4"),
        _doctors_in("Uzès", "11"),
        _doctors_in("Remoulins", "4"),
    ],
    Key.CONSUMPTION: [
        _emergencies("265", comparison="281"),
        Figure(
            "Dépistage du cancer du sein",
            "47,5",
            "%",
            2022,
            "Santé publique France",
            comparison="45,1",
        ),
    ],
}

UZEGE_TEXTS = {
    Key.METHOD: (
        "Diagnostic conduit par le coordinateur avec le bureau de l'association, à partir de "
        "Rézone CPTS, des données de l'ARS et de deux soirées d'échanges entre professionnels "
        "(Uzès et Remoulins). Les chiffres de cette démonstration sont illustratifs."
    ),
    Key.POPULATION: (
        "Population plus âgée que celle du Gard, avec un afflux touristique estival autour "
        "du Pont du Gard qui double la demande de soins non programmés en juillet et août."
    ),
    Key.SUPPLY: (
        "L'offre est centrée sur Uzès ; l'est du territoire (Remoulins, Vers-Pont-du-Gard) "
        "compte peu de médecins et dépend des infirmiers libéraux et des pharmacies."
    ),
    Key.CONSUMPTION: (
        "Les habitants de l'est du territoire consultent souvent à Nîmes ou Avignon ; les "
        "urgences de l'hôpital d'Uzès sont saturées en été."
    ),
    Key.ACTORS: (
        "- Hôpital local d'Uzès\n- Deux maisons de santé pluriprofessionnelles\n"
        "- Centre médico-psychologique de secteur\n- Communauté de communes Pays d'Uzès"
    ),
    Key.ACCESS: (
        "Délais d'attente pour un premier rendez-vous en santé mentale des adolescents, "
        "difficultés d'accès à un médecin traitant à l'est du territoire."
    ),
    Key.NEEDS: "Besoins retenus par l'assemblée générale du 8 décembre 2025.",
    Key.SWOT: (
        "Forces : des MSP actives, un hôpital de proximité.\n\n"
        "Faiblesses : un territoire étendu, une forte saisonnalité."
    ),
    Key.LEADS: (
        "1. Accès au médecin traitant à l'est du territoire.\n"
        "2. Soins non programmés renforcés l'été.\n"
        "3. Parcours santé mentale des adolescents."
    ),
}

UZEGE_NEEDS = [
    (
        "Trouver un médecin traitant pour les patients de l'est du territoire",
        "Rézone CPTS 2024",
        HIGH,
    ),
    (
        "Absorber le surcroît de soins non programmés de la saison touristique",
        "Données de l'hôpital d'Uzès ; soirées d'échanges",
        HIGH,
    ),
    (
        "Raccourcir l'accès aux soins de santé mentale des adolescents",
        "Centre médico-psychologique ; collèges du territoire",
        MEDIUM,
    ),
    (
        "Prévenir les chutes des personnes âgées vivant seules",
        "Service d'aide à domicile ; infirmiers libéraux",
        MEDIUM,
    ),
]

DIAGNOSTICS = {
    "pic-saint-loup": DiagnosticSpec("Hérault", PIC_TEXTS, PIC_FIGURES, PIC_NEEDS),
    "uzege-pont-du-gard": DiagnosticSpec("Gard", UZEGE_TEXTS, UZEGE_FIGURES, UZEGE_NEEDS),
}


def _seed_territory(project, coordinator, territory: TerritorySpec):
    target = set(
        Commune.objects.filter(epci_id__in=territory.epcis, kind=Commune.Kind.COMMUNE).values_list(
            "code", flat=True
        )
    ) | set(territory.communes)
    current = set(territory_communes(project).values_list("code", flat=True))
    if current == target:
        return
    TerritoryCommune.objects.filter(territory__project=project).delete()
    TerritoryChange.objects.filter(territory__project=project).delete()
    for code in territory.epcis:
        services.territory_add_epci(project=project, code=code, by=coordinator)
    for code in territory.communes:
        services.territory_add_commune(project=project, code=code, by=coordinator)


def _seed_sections(project, coordinator, diagnostic: DiagnosticSpec):
    for key, text in diagnostic.texts.items():
        section = services.section_get_or_create(project=project, key=key, by=coordinator)
        wanted = [f.values(diagnostic.compared_to) for f in diagnostic.figures.get(key, [])]
        existing = [services.vars_of(i) for i in section.indicators.all()]
        if section.text == text and existing == wanted:
            continue
        services.section_save(
            section=section,
            version=section.version,
            by=coordinator,
            text=text,
            indicators=[services.Row(id=None, values=values) for values in wanted],
        )


def _seed_needs(project, coordinator, needs: list[tuple[str, str, str]]):
    current = list(Need.objects.filter(project=project).values_list("label", "source", "priority"))
    if current == needs and not Need.objects.filter(project=project, withdrawn=True).exists():
        return
    Need.objects.filter(project=project).delete()
    for number, (label, source, priority) in enumerate(needs, start=1):
        create_versioned(
            Need,
            by=coordinator,
            project=project,
            number=number,
            label=label,
            source=source,
            priority=priority,
        )
    section = services.section_get_or_create(project=project, key=Key.NEEDS, by=coordinator)
    services.section_save(
        section=section, version=section.version, by=coordinator, text=section.text
    )


@transaction.atomic
def seed(seeded: dict) -> None:
    projects, users = seeded["projects"], seeded["users"]
    for slug, territory in TERRITORIES.items():
        _seed_territory(projects[slug], users[territory.coordinator], territory)
    for slug, diagnostic in DIAGNOSTICS.items():
        project, coordinator = projects[slug], users[TERRITORIES[slug].coordinator]
        _seed_sections(project, coordinator, diagnostic)
        _seed_needs(project, coordinator, diagnostic.needs)
