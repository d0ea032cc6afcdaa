"""Demo territories and diagnostics of the three CPTS of demo/seed.py.

Territories are real communes of the referential. The diagnostic figures are plausible
illustrations for the demonstration (their sources name where such figures come from), not
official statistics. Idempotent: a territory or section already in its demo state is left as
it is; one that differs is brought back to it.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

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

Key = DiagnosticSection.Key
AGE = DiagnosticFigure.Kind.AGE_BRACKET
HIGH, MEDIUM, LOW = Need.Priority.HIGH, Need.Priority.MEDIUM, Need.Priority.LOW

TERRITORIES = {
    # slug: (coordinator, EPCI SIREN codes, extra communes)
    "pic-saint-loup": ("claire.martin", ["200022986"], []),
    "uzege-pont-du-gard": ("thomas.lefevre", ["200034379"], ["30212", "30346"]),
    # Saint-Martin-de-Londres also belongs to the Grand Pic Saint-Loup: the overlap shows.
    "lodevois-larzac": ("nadia.mercier", ["200017341"], ["34274"]),
}

# (label, area, value, unit, year, source, comparison value, compared to[, kind])
PIC_INDICATORS = {
    Key.POPULATION: [
        (
            "Population municipale",
            "",
            "51678",
            "habitants",
            2021,
            "INSEE, populations légales",
            None,
            "",
        ),
        ("0 à 14 ans", "", "18,4", "%", 2023, "INSEE, RP 2023", "16,3", "Hérault", AGE),
        ("15 à 29 ans", "", "13,1", "%", 2023, "INSEE, RP 2023", "18,6", "Hérault", AGE),
        ("30 à 44 ans", "", "17,9", "%", 2023, "INSEE, RP 2023", "17,9", "Hérault", AGE),
        ("45 à 59 ans", "", "21,6", "%", 2023, "INSEE, RP 2023", "19,0", "Hérault", AGE),
        ("60 à 74 ans", "", "19,1", "%", 2023, "INSEE, RP 2023", "17,3", "Hérault", AGE),
        ("75 ans et plus", "", "9,9", "%", 2023, "INSEE, RP 2023", "10,9", "Hérault", AGE),
        (
            "Patients en affection de longue durée (ALD)",
            "",
            "17,8",
            "%",
            2024,
            "Assurance Maladie, Rézone CPTS",
            "19,4",
            "Hérault",
        ),
        (
            "Bénéficiaires de la Complémentaire santé solidaire",
            "",
            "5,1",
            "%",
            2024,
            "Assurance Maladie, Rézone CPTS",
            "11,2",
            "Hérault",
        ),
        (
            "Patients de 17 ans et plus sans médecin traitant",
            "",
            "9,6",
            "%",
            2024,
            "Assurance Maladie, Rézone CPTS",
            "11,3",
            "Hérault",
        ),
    ],
    Key.SUPPLY: [
        (
            "Médecins généralistes libéraux",
            "",
            "38",
            "médecins",
            2024,
            "RPPS, Rézone CPTS",
            None,
            "",
        ),
        (
            "Densité de médecins généralistes",
            "",
            "7,4",
            "pour 10 000 hab.",
            2024,
            "RPPS, Rézone CPTS",
            "9,8",
            "Hérault",
        ),
        ("Médecins généralistes de 60 ans et plus", "", "34", "%", 2024, "RPPS", "29", "Hérault"),
        (
            "Densité d'infirmiers libéraux",
            "",
            "21,5",
            "pour 10 000 hab.",
            2024,
            "RPPS, Rézone CPTS",
            "23,9",
            "Hérault",
        ),
        (
            "Densité de masseurs-kinésithérapeutes",
            "",
            "14,2",
            "pour 10 000 hab.",
            2024,
            "RPPS, Rézone CPTS",
            "17,1",
            "Hérault",
        ),
        ("Médecins généralistes", "Saint-Gély-du-Fesc", "9", "médecins", 2024, "RPPS", None, ""),
        (
            "Médecins généralistes",
            "Saint-Martin-de-Londres",
            "3",
            "médecins",
            2024,
            "RPPS",
            None,
            "",
        ),
        ("Officines de pharmacie", "", "14", "officines", 2024, "FINESS", None, ""),
    ],
    Key.CONSUMPTION: [
        (
            "Passages aux urgences",
            "",
            "212",
            "pour 1 000 hab.",
            2023,
            "ARS Occitanie, RPU",
            "248",
            "Hérault",
        ),
        (
            "Consultations de médecine générale faites hors du territoire",
            "",
            "31",
            "%",
            2024,
            "Assurance Maladie, Rézone CPTS",
            None,
            "",
        ),
        (
            "Dépistage organisé du cancer colorectal",
            "",
            "31,2",
            "%",
            2021,
            "Santé publique France",
            "29,8",
            "Hérault",
        ),
        (
            "Vaccination antigrippale des 65 ans et plus",
            "",
            "52,3",
            "%",
            2024,
            "SNDS",
            "51,0",
            "Hérault",
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

UZEGE_INDICATORS = {
    Key.POPULATION: [
        (
            "Population municipale",
            "",
            "35272",
            "habitants",
            2021,
            "INSEE, populations légales",
            None,
            "",
        ),
        ("0 à 14 ans", "", "16,2", "%", 2023, "INSEE, RP 2023", "16,6", "Gard", AGE),
        ("15 à 29 ans", "", "12,4", "%", 2023, "INSEE, RP 2023", "15,2", "Gard", AGE),
        ("30 à 44 ans", "", "16,3", "%", 2023, "INSEE, RP 2023", "16,9", "Gard", AGE),
        ("45 à 59 ans", "", "20,8", "%", 2023, "INSEE, RP 2023", "20,1", "Gard", AGE),
        ("60 à 74 ans", "", "22,5", "%", 2023, "INSEE, RP 2023", "20,0", "Gard", AGE),
        ("75 ans et plus", "", "11,8", "%", 2023, "INSEE, RP 2023", "11,2", "Gard", AGE),
        (
            "Patients en affection de longue durée (ALD)",
            "",
            "21,3",
            "%",
            2024,
            "Assurance Maladie, Rézone CPTS",
            "21,0",
            "Gard",
        ),
        (
            "Bénéficiaires de la Complémentaire santé solidaire",
            "",
            "9,8",
            "%",
            2024,
            "Assurance Maladie, Rézone CPTS",
            "13,4",
            "Gard",
        ),
        (
            "Patients de 17 ans et plus sans médecin traitant",
            "",
            "12,4",
            "%",
            2024,
            "Assurance Maladie, Rézone CPTS",
            "12,9",
            "Gard",
        ),
    ],
    Key.SUPPLY: [
        (
            "Densité de médecins généralistes",
            "",
            "8,1",
            "pour 10 000 hab.",
            2024,
            "RPPS, Rézone CPTS",
            "8,9",
            "Gard",
        ),
        (
            "Densité d'infirmiers libéraux",
            "",
            "25,7",
            "pour 10 000 hab.",
            2024,
            "RPPS, Rézone CPTS",
            "27,4",
            "Gard",
        ),
        ("Médecins généralistes", "Uzès", "11", "médecins", 2024, "RPPS", None, ""),
        ("Médecins généralistes", "Remoulins", "4", "médecins", 2024, "RPPS", None, ""),
    ],
    Key.CONSUMPTION: [
        (
            "Passages aux urgences",
            "",
            "265",
            "pour 1 000 hab.",
            2023,
            "ARS Occitanie, RPU",
            "281",
            "Gard",
        ),
        (
            "Dépistage du cancer du sein",
            "",
            "47,5",
            "%",
            2022,
            "Santé publique France",
            "45,1",
            "Gard",
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
    "pic-saint-loup": (PIC_TEXTS, PIC_INDICATORS, PIC_NEEDS),
    "uzege-pont-du-gard": (UZEGE_TEXTS, UZEGE_INDICATORS, UZEGE_NEEDS),
}


def _number(text):
    return None if text is None else Decimal(text.replace(",", "."))


def _indicator_values(row) -> dict:
    label, area, value, unit, year, source, comparison, compared_to, *kind = row
    return {
        "kind": kind[0] if kind else DiagnosticFigure.Kind.INDICATOR,
        "label": label,
        "area": area,
        "value": _number(value).quantize(Decimal("0.001")),
        "unit": unit,
        "year": year,
        "source": source,
        "comparison_value": None
        if comparison is None
        else _number(comparison).quantize(Decimal("0.001")),
        "comparison_label": compared_to,
    }


def _seed_territory(project, coordinator, epcis, extra):
    from geo.models import Commune

    target = set(
        Commune.objects.filter(epci_id__in=epcis, kind=Commune.Kind.COMMUNE).values_list(
            "code", flat=True
        )
    ) | set(extra)
    current = set(territory_communes(project).values_list("code", flat=True))
    if current == target:
        return
    TerritoryCommune.objects.filter(territory__project=project).delete()
    TerritoryChange.objects.filter(territory__project=project).delete()
    for code in epcis:
        services.territory_add_epci(project=project, code=code, by=coordinator)
    for code in extra:
        services.territory_add_commune(project=project, code=code, by=coordinator)


def _seed_diagnostic(project, coordinator, texts, indicators, needs):
    for key, text in texts.items():
        section = services.section_get_or_create(project=project, key=key, by=coordinator)
        wanted = [_indicator_values(row) for row in indicators.get(key, [])]
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
    wanted_needs = [(label, source, priority) for label, source, priority in needs]
    current = list(Need.objects.filter(project=project).values_list("label", "source", "priority"))
    if current != wanted_needs or Need.objects.filter(project=project, withdrawn=True).exists():
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
    for slug, (coordinator, epcis, extra) in TERRITORIES.items():
        _seed_territory(projects[slug], users[coordinator], epcis, extra)
    for slug, (texts, indicators, needs) in DIAGNOSTICS.items():
        coordinator = users[TERRITORIES[slug][0]]
        _seed_diagnostic(projects[slug], coordinator, texts, indicators, needs)
