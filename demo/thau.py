"""Demo: what the Bassin de Thau (the CPTS under contract, demo/followup.py) deposited before
its contract — territory, diagnostic, association, budget — so that it is in a state the
rules allow (every deposit check holds for it, tests/demo/test_demo_rules.py).

Seeded after the follow-up: the contract's frozen basis (lifecycle.followup.basis_freeze)
keeps the population the budget gave at the signature (126 000); the territory's communes
give today's figure. The figures are plausible illustrations, not official statistics.
Idempotent, like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt

from diagnostics.models import DiagnosticSection, Need
from governance.models import GovernanceDocument, Member, Office, Profession

from . import diagnostics as demo_diagnostics
from . import funding as demo_funding
from . import governance as demo_governance
from .diagnostics import DiagnosticSpec, Figure, TerritorySpec
from .governance import (
    AssociationSpec,
    AttendanceSpec,
    DocumentSpec,
    MeetingSpec,
    Professional,
    Structure,
    Vote,
)

SLUG = "bassin-de-thau"
COORDINATOR = "lucie.bernard"
Key = DiagnosticSection.Key
HIGH, MEDIUM = Need.Priority.HIGH, Need.Priority.MEDIUM
P, S = Profession, Member.StructureKind

# The 14 communes of Sète Agglopôle Méditerranée.
TERRITORY = TerritorySpec(COORDINATOR, epcis=["200066355"], communes=[])

TEXTS = {
    Key.METHOD: (
        "Diagnostic conduit en 2023 par la coordinatrice et le bureau, à partir de Rézone "
        "CPTS, des données de la CPAM de l'Hérault et de trois réunions de professionnels "
        "(Sète, Frontignan, Mèze). Les chiffres de cette démonstration sont illustratifs."
    ),
    Key.POPULATION: (
        "Population âgée sur le littoral, forte affluence estivale (la population double "
        "à Marseillan et Sète en juillet et août)."
    ),
    Key.SUPPLY: (
        "L'offre de médecine générale se concentre à Sète et Frontignan ; le nord de l'étang "
        "(Villeveyrac, Montbazin, Loupian) manque de médecins traitants."
    ),
    Key.CONSUMPTION: (
        "Recours élevé aux urgences de l'hôpital de Sète, en particulier l'été, pour des "
        "soins qui relèvent de la ville."
    ),
    Key.ACTORS: (
        "- Hôpitaux du Bassin de Thau\n- Quatre maisons de santé pluriprofessionnelles\n"
        "- Dispositif d'appui à la coordination de l'Hérault\n- Sète Agglopôle Méditerranée"
    ),
    Key.ACCESS: (
        "Patients en ALD sans médecin traitant, créneaux de soins non programmés insuffisants "
        "l'été, personnes âgées fragiles peu suivies à domicile."
    ),
    Key.NEEDS: "Besoins retenus par l'assemblée générale du 14 novembre 2023.",
    Key.SWOT: (
        "Forces : des MSP actives, un hôpital de proximité engagé.\n\n"
        "Faiblesses : une forte saisonnalité, des départs en retraite non remplacés."
    ),
    Key.LEADS: (
        "1. Un médecin traitant pour les patients en ALD.\n"
        "2. Des créneaux de soins non programmés dans les cabinets.\n"
        "3. Le parcours de la personne âgée fragile.\n"
        "4. Le dépistage du cancer colorectal."
    ),
}

FIGURES = {
    Key.POPULATION: [
        Figure("Patients en ALD sans médecin traitant", "7,4", "%", 2023, "CPAM de l'Hérault"),
    ],
}

NEEDS = [
    ("Trouver un médecin traitant aux patients en ALD qui n'en ont pas", "CPAM 2023", HIGH),
    ("Offrir des créneaux de soins non programmés en cabinet", "Hôpital de Sète", HIGH),
    ("Suivre à domicile les personnes âgées fragiles", "DAC de l'Hérault", MEDIUM),
    ("Augmenter la participation au dépistage du cancer colorectal", "CRCDC", MEDIUM),
]

DIAGNOSTIC = DiagnosticSpec("Hérault", TEXTS, FIGURES, NEEDS)

NAME = "Association CPTS du Bassin de Thau"
ASSOCIATION = AssociationSpec(
    association={
        "name": NAME,
        "rna": "W343012457",
        "declaration_date": dt.date(2023, 6, 19),
        "seat": "Maison de santé, 12 quai d'Alger, 34200 Sète",
        "purpose": (
            "Fédérer les professionnels de santé du Bassin de Thau autour d'un projet de santé "
            "commun : accès aux soins, parcours des personnes âgées, prévention."
        ),
        "max_proxies": 1,
        "quorum_numerator": 1,
        "quorum_denominator": 4,
    },
    founded=dt.date(2023, 6, 5),
    people=[
        Professional("Lucie", "Bernard", P.INFIRMIER, "34301", "10021234567"),
        Professional("Pierre", "Castel", P.MEDECIN_GENERALISTE, "34301", "10022345678"),
        Professional("Anne", "Roucayrol", P.PHARMACIEN, "34108", "10023456789"),
        Professional("Jérôme", "Sabatier", P.MEDECIN_GENERALISTE, "34157", "10024567890"),
        Professional("Nathalie", "Cros", P.KINESITHERAPEUTE, "34150", "10025678901"),
        Professional("Olivier", "Teisseire", P.INFIRMIER, "34213", "10026789012"),
        Professional("Claire", "Azéma", P.SAGE_FEMME, "34301", ""),
        Professional("Bruno", "Vergnes", P.CHIRURGIEN_DENTISTE, "34108", "10027890123"),
    ],
    structures=[
        Structure("Hôpitaux du Bassin de Thau", S.HOSPITAL, "Mme Hélène Py, directrice", "34301")
    ],
    bureau=[
        ("Castel", Office.PRESIDENT),
        ("Sabatier", Office.VICE_PRESIDENT),
        ("Roucayrol", Office.SECRETAIRE),
        ("Teisseire", Office.TRESORIER),
    ],
    board_extra=["Cros"],
    information_system={
        "secure_messaging": (
            "Les membres échangent par la messagerie sécurisée de santé (MSSanté) de leur "
            "logiciel métier, y compris avec les Hôpitaux du Bassin de Thau."
        ),
        "coordination_tool": "L'outil régional e-parcours, déployé depuis 2024.",
        "data_protection": (
            "Aucune donnée de santé n'est conservée par l'association ; le registre des "
            "traitements est tenu par la secrétaire."
        ),
    },
    documents=[
        DocumentSpec(
            kind=GovernanceDocument.Kind.STATUTS,
            title="Statuts de l'association",
            version="version 1",
            adopted=dt.date(2023, 6, 5),
            lines=[NAME, "Statuts adoptés en assemblée générale constitutive le 05/06/2023."],
        ),
    ],
    meetings=[
        MeetingSpec(
            instance="AG",
            date=dt.date(2023, 6, 5),
            title="Assemblée générale constitutive",
            agenda="1. Adoption des statuts\n2. Élection du conseil d'administration",
            minutes="Assemblée tenue à la maison de santé de Sète.\n\n- Statuts adoptés.\n"
            "- Conseil d'administration élu.",
            deliberations=[Vote("Adoption des statuts.", 8, 0, 0)],
        ),
    ],
    attendances=[AttendanceSpec(meeting=1, absent={"Azéma"})],
)

# The budget prévisionnel deposited: each table balanced against the ACI funding of a size 3
# territory (ACI-2019, the socle missions, no SNP orientation service).
BUDGET = {
    "population": 126_000,
    "snp_orientation": False,
    "lines": {
        "": [
            ("INDEMNITES", "Temps des professionnels : bureau, pilotage, assemblées", 20_000),
            ("SALAIRES", "Coordinatrice (0,8 ETP)", 45_000),
            ("HONORAIRES", "Expert-comptable", 4_000),
            ("MATERIEL", "Outil de coordination et site internet", 6_000),
        ],
        "acces_soins": [
            ("INDEMNITES", "Cellule d'orientation des patients sans médecin traitant", 25_000),
            ("INDEMNITES", "Compensation des médecins effecteurs de soins non programmés", 15_000),
            ("SALAIRES", "Assistante d'orientation (0,5 ETP)", 20_000),
            ("MATERIEL", "Téléphonie et agenda partagé", 5_000),
        ],
        "parcours": [
            ("INDEMNITES", "Réunions de concertation pluriprofessionnelle", 50_000),
            ("SALAIRES", "Coordinatrice du parcours (0,5 ETP)", 30_000),
            ("HONORAIRES", "Formation au repérage de la fragilité", 6_000),
            ("MATERIEL", "Messagerie sécurisée et outils partagés", 4_000),
        ],
        "prevention": [
            ("INDEMNITES", "Journées de dépistage en pharmacie et au cabinet", 20_000),
            ("MATERIEL", "Supports de campagne", 10_000),
            ("HONORAIRES", "Intervention du centre régional de dépistage", 5_000),
        ],
    },
    "grants": [],
}


def seed(seeded: dict) -> None:
    projects, users = seeded["projects"], seeded["users"]
    project = projects.get(SLUG)
    if project is None:
        return
    coordinator = users[COORDINATOR]
    demo_diagnostics._seed_territory(project, coordinator, TERRITORY)
    demo_diagnostics._seed_sections(project, coordinator, DIAGNOSTIC)
    demo_diagnostics._seed_needs(project, coordinator, DIAGNOSTIC.needs)
    demo_governance._seed_association(project, ASSOCIATION, coordinator)
    demo_funding._seed_budget(project, BUDGET, coordinator)
