"""Demo fiches-actions, inspired by the worked examples of the guide (part 3).

Pic Saint-Loup (being written): six fiches, Julien Roux pilots two of them; no fiche for the
crisis mission (6), optional under ACI-2019: nothing lacks on the missions side.
Uzège – Pont du Gard (under review): every socle mission covered.
Idempotent: fiches are found by their number, rows by theirs.

The records (`FicheSpec` and its rows) also serve the yearly follow-up demo (demo/followup.py)
and the fiche templates of the national-scale data (demo/scale).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from diagnostics.models import Need
from missions.catalogue import catalogue_ensure
from missions.models import Fiche, Indicator, Mission, SubAction, WorkingGroupMember

D = dt.date
RESULT, FOLLOW_UP = Indicator.Kind.RESULT, Indicator.Kind.FOLLOW_UP
PLANNED, ONGOING, DONE = SubAction.Status.PLANNED, SubAction.Status.ONGOING, SubAction.Status.DONE


@dataclass(frozen=True)
class MemberSpec:
    """One person of a fiche's working group: a demo account (`user`, its e-mail local part)
    or someone from outside the CPTS (name, profession, contact)."""

    user: str | None = None
    name: str = ""
    profession: str = ""
    contact: str = ""


@dataclass(frozen=True)
class SubActionSpec:
    what: str
    who: str
    start_date: dt.date
    end_date: dt.date
    status: str


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator of a fiche; baseline and target are decimal strings (None: not known)."""

    name: str
    kind: str
    baseline: str | None
    target: str | None
    unit: str
    source: str
    frequency: str
    drives_funding: bool = False


@dataclass(frozen=True)
class FicheSpec:
    """A fiche-action: its mission (code), its pilot (a demo account by e-mail local part, or
    an outside person by name), its texts ("" when left out) and its rows."""

    mission: str
    title: str
    pilot: str | None = None
    pilot_name: str = ""
    pilot_profession: str = ""
    pilot_contact: str = ""
    problems: str = ""
    objectives: str = ""
    target_public: str = ""
    milestones: str = ""
    means_logistic: str = ""
    means_digital: str = ""
    means_human: str = ""
    resources_available: str = ""
    obstacles: str = ""
    levers: str = ""
    budget: Decimal | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    members: Sequence[MemberSpec] = ()
    sub_actions: Sequence[SubActionSpec] = ()
    indicators: Sequence[IndicatorSpec] = ()


# The texts of a fiche, as named in the model and in FicheSpec.
FICHE_TEXTS = ["pilot_name", "pilot_profession", "pilot_contact", *Fiche.TEXT_FIELDS]


PIC = [
    FicheSpec(
        mission="1a",
        title="Proposer un médecin traitant aux patients fragiles qui n'en ont pas",
        pilot="julien.roux",
        problems="Sur le territoire, 7,8 % des patients en ALD et 6,1 % des plus de 70 ans "
        "n'ont pas de médecin traitant déclaré (données CPAM 2025).\n\n"
        "Deux départs en retraite sont annoncés à Saint-Martin-de-Londres et Claret d'ici "
        "2027 : environ 2 400 patients devront retrouver un médecin traitant.",
        objectives="- Proposer à chaque patient fragile sans médecin traitant une liste de "
        "médecins pouvant l'accueillir\n- Réduire de moitié en trois ans la part des patients "
        "en ALD sans médecin traitant",
        target_public="Patients en ALD, de plus de 70 ans ou bénéficiaires de la "
        "complémentaire santé solidaire, sans médecin traitant.",
        milestones="Recensement à 3 mois, premières orientations à 6 mois, bilan annuel.",
        means_logistic="Une salle de réunion à la MSP des Matelles, une fois par trimestre.",
        means_digital="Un tableau partagé des capacités d'accueil, hébergé sur l'outil de "
        "coordination régional.",
        means_human="Secrétariat de la CPTS : 0,2 ETP ; médecins : 2 h par mois chacun.",
        resources_available="Liste CPAM des patients sans médecin traitant ; annuaire "
        "des professionnels de la CPTS.",
        obstacles="Charge de travail des médecins déjà installés.",
        levers="Protocole d'accueil partagé, appui des infirmières Asalée.",
        budget=Decimal("14500"),
        start_date=D(2027, 1, 4),
        end_date=D(2028, 6, 30),
        members=[
            MemberSpec(user="sophie.garnier"),
            MemberSpec(
                name="Dr Marc Servel",
                profession="Médecin généraliste",
                contact="MSP des Matelles, 04 67 00 11 22",
            ),
        ],
        sub_actions=[
            SubActionSpec(
                what="Recenser les patients fragiles sans médecin traitant avec la CPAM",
                who="CPAM et secrétariat de la CPTS",
                start_date=D(2027, 1, 4),
                end_date=D(2027, 3, 31),
                status=ONGOING,
            ),
            SubActionSpec(
                what="Identifier les médecins pouvant accueillir de nouveaux patients (sondage, "
                "réunion)",
                who="Julien Roux",
                start_date=D(2027, 2, 1),
                end_date=D(2027, 4, 30),
                status=PLANNED,
            ),
            SubActionSpec(
                what="Informer les patients ciblés par courrier et affichage en salle d'attente",
                who="Secrétariat de la CPTS",
                start_date=D(2027, 5, 1),
                end_date=D(2027, 9, 30),
                status=PLANNED,
            ),
        ],
        indicators=[
            IndicatorSpec(
                name="Part des patients en ALD sans médecin traitant",
                kind=RESULT,
                baseline="7.8",
                target="4",
                unit="%",
                source="CPAM (tableau de bord CPTS)",
                frequency="annuelle",
                drives_funding=True,
            ),
            IndicatorSpec(
                name="Nombre de patients orientés vers un médecin traitant",
                kind=FOLLOW_UP,
                baseline="0",
                target="400",
                unit="patients",
                source="Tableau de suivi de la CPTS",
                frequency="trimestrielle",
            ),
        ],
    ),
    FicheSpec(
        mission="1b",
        title="Organiser la réponse aux soins non programmés en ville",
        pilot_name="Dr Anne Delmas",
        pilot_profession="Médecin généraliste",
        pilot_contact="MSP de Saint-Mathieu-de-Tréviers — 04 67 00 22 33 — "
        "anne.delmas@exemple.fr",
        problems="Les urgences du CHU reçoivent chaque jour une vingtaine de patients du "
        "territoire pour des demandes qui relèvent de la médecine de ville.",
        objectives="- Réserver des créneaux de soins non programmés dans chaque cabinet "
        "volontaire\n- Orienter les appels du SAS vers ces créneaux",
        target_public="Patients du territoire ayant besoin d'une consultation dans les 48 h.",
        milestones="Convention avec le SAS à 4 mois ; 10 cabinets volontaires à 9 mois.",
        means_logistic="Aucun local supplémentaire.",
        means_digital="Agenda partagé des créneaux, relié à la plateforme du SAS.",
        means_human="Régulation : 1 h par jour ouvré, assurée à tour de rôle.",
        resources_available="Plateforme SAS de l'Hérault déjà déployée.",
        obstacles="Créneaux non utilisés qui découragent les médecins.",
        levers="Indemnisation des créneaux par l'ACI (ligne SNP).",
        budget=Decimal("22000"),
        start_date=D(2027, 1, 4),
        end_date=D(2028, 6, 30),
        members=[MemberSpec(user="karim.benali")],
        sub_actions=[
            SubActionSpec(
                what="Recruter les cabinets volontaires et fixer leurs créneaux",
                who="Anne Delmas",
                start_date=D(2027, 1, 4),
                end_date=D(2027, 6, 30),
                status=PLANNED,
            ),
            SubActionSpec(
                what="Signer la convention avec le SAS",
                who="Coordinatrice",
                start_date=D(2027, 1, 4),
                end_date=D(2027, 4, 30),
                status=PLANNED,
            ),
            SubActionSpec(
                what="Suivre chaque mois le taux d'occupation des créneaux",
                who="Secrétariat",
                start_date=D(2027, 7, 1),
                end_date=D(2028, 6, 30),
                status=PLANNED,
            ),
        ],
        indicators=[
            IndicatorSpec(
                name="Nombre de créneaux de soins non programmés ouverts par semaine",
                kind=RESULT,
                baseline="0",
                target="60",
                unit="créneaux",
                source="Agenda partagé",
                frequency="mensuelle",
                drives_funding=True,
            ),
            IndicatorSpec(
                name="Taux d'occupation des créneaux",
                kind=FOLLOW_UP,
                baseline=None,
                target="80",
                unit="%",
                source="Agenda partagé",
                frequency="mensuelle",
            ),
        ],
    ),
    FicheSpec(
        mission="2",
        title="Parcours de la personne âgée insuffisante cardiaque à domicile",
        pilot="julien.roux",
        problems="Les réhospitalisations à 30 jours pour insuffisance cardiaque sont "
        "fréquentes chez les plus de 75 ans ; la sortie d'hôpital est mal coordonnée avec les "
        "infirmiers et pharmaciens de ville.",
        objectives="- Organiser un retour à domicile coordonné dans les 7 jours suivant "
        "la sortie\n- Éduquer le patient à la surveillance de son poids et de ses symptômes",
        target_public="Patients de plus de 75 ans hospitalisés pour insuffisance cardiaque.",
        milestones="Protocole validé à 6 mois ; 30 patients inclus à 12 mois.",
        means_logistic="Balances connectées prêtées par le réseau.",
        means_digital="Messagerie sécurisée de santé entre l'hôpital et la ville.",
        means_human="Infirmière de coordination : 0,3 ETP.",
        resources_available="Programme PRADO de l'Assurance maladie ; service de "
        "cardiologie du CHU partenaire.",
        obstacles="Informations de sortie tardives.",
        levers="Lettre de liaison envoyée le jour de la sortie.",
        budget=Decimal("31000"),
        start_date=D(2027, 7, 1),
        end_date=D(2029, 1, 31),
        members=[
            MemberSpec(user="karim.benali"),
            MemberSpec(
                name="Laure Fabien",
                profession="Infirmière libérale",
                contact="Cabinet infirmier de Claret",
            ),
        ],
        sub_actions=[
            SubActionSpec(
                what="Écrire le protocole de sortie avec le service de cardiologie",
                who="Julien Roux",
                start_date=D(2027, 7, 1),
                end_date=D(2027, 12, 31),
                status=PLANNED,
            ),
            SubActionSpec(
                what="Former les infirmiers et pharmaciens à l'éducation du patient",
                who="Infirmière de coordination",
                start_date=D(2028, 1, 1),
                end_date=D(2028, 3, 31),
                status=PLANNED,
            ),
            SubActionSpec(
                what="Inclure les patients et suivre les réhospitalisations",
                who="Médecins traitants",
                start_date=D(2028, 1, 1),
                end_date=D(2029, 1, 31),
                status=PLANNED,
            ),
        ],
        indicators=[
            IndicatorSpec(
                name="Part des patients inclus ayant bénéficié du parcours",
                kind=RESULT,
                baseline="0",
                target="60",
                unit="%",
                source="CPAM et dossier de coordination",
                frequency="annuelle",
                drives_funding=True,
            ),
            IndicatorSpec(
                name="Taux de réhospitalisation à 30 jours",
                kind=FOLLOW_UP,
                baseline="22",
                target="15",
                unit="%",
                source="CHU partenaire",
                frequency="semestrielle",
            ),
        ],
    ),
    FicheSpec(
        mission="3",
        title="Prévention : vaccination contre la grippe et dépistage du cancer colorectal",
        pilot="sophie.garnier",
        problems="La couverture vaccinale contre la grippe des plus de 65 ans (51 %) et la "
        "participation au dépistage du cancer colorectal (29 %) sont sous les moyennes "
        "régionales.",
        objectives="- Atteindre 60 % de couverture vaccinale chez les plus de 65 ans\n"
        "- Remettre le kit de dépistage en pharmacie",
        target_public="Personnes de 50 à 74 ans (dépistage), de plus de 65 ans " "(vaccination).",
        milestones="Campagne d'automne chaque année ; bilan en janvier.",
        means_logistic="Affiches et dépliants dans les officines et cabinets.",
        means_digital="Relances par SMS des patients consentants.",
        means_human="Pharmaciens et infirmiers vaccinateurs.",
        resources_available="Kits de dépistage fournis par le centre régional de "
        "coordination des dépistages.",
        obstacles="Hésitation vaccinale.",
        levers="Vaccination en pharmacie sans rendez-vous.",
        budget=Decimal("9800"),
        start_date=D(2027, 9, 1),
        end_date=D(2029, 1, 31),
        members=[
            MemberSpec(
                name="Paul Ortiz",
                profession="Pharmacien",
                contact="Pharmacie de Saint-Gély-du-Fesc",
            )
        ],
        sub_actions=[
            SubActionSpec(
                what="Organiser une journée de vaccination dans chaque commune",
                who="Pharmaciens",
                start_date=D(2027, 10, 1),
                end_date=D(2027, 12, 15),
                status=PLANNED,
            ),
            SubActionSpec(
                what="Remettre les kits de dépistage en officine",
                who="Pharmaciens",
                start_date=D(2027, 9, 1),
                end_date=D(2028, 8, 31),
                status=PLANNED,
            ),
        ],
        indicators=[
            IndicatorSpec(
                name="Couverture vaccinale antigrippale des plus de 65 ans",
                kind=RESULT,
                baseline="51",
                target="60",
                unit="%",
                source="CPAM",
                frequency="annuelle",
                drives_funding=True,
            )
        ],
    ),
    FicheSpec(
        mission="4",
        title="Retours d'expérience pluriprofessionnels sur les événements indésirables",
        pilot_name="Hélène Pujol",
        pilot_profession="Pharmacienne",
        pilot_contact="Pharmacie des Matelles — 04 67 00 44 55",
        problems="Les événements indésirables liés aux médicaments chez la personne âgée "
        "ne sont ni déclarés ni analysés en ville.",
        objectives="Tenir quatre comités de retour d'expérience (CREX) par an.",
        target_public="Professionnels de santé de la CPTS.",
        milestones="Premier CREX au 6e mois.",
        means_logistic="Salle de réunion.",
        means_digital="Formulaire de déclaration en ligne.",
        means_human="Un animateur formé à la méthode ORION.",
        resources_available="Structure régionale d'appui à la qualité.",
        obstacles="Crainte d'une recherche de responsabilité.",
        levers="Charte de confidentialité.",
        budget=Decimal("6000"),
        start_date=D(2027, 6, 1),
        end_date=D(2028, 12, 31),
        members=[],
        sub_actions=[
            SubActionSpec(
                what="Former deux animateurs à la méthode ORION",
                who="Structure d'appui",
                start_date=D(2027, 6, 1),
                end_date=D(2027, 9, 30),
                status=PLANNED,
            )
        ],
        indicators=[
            IndicatorSpec(
                name="Nombre de CREX tenus dans l'année",
                kind=RESULT,
                baseline="0",
                target="4",
                unit="réunions",
                source="Comptes rendus",
                frequency="annuelle",
                drives_funding=True,
            )
        ],
    ),
    FicheSpec(
        mission="5",
        title="Accompagner l'installation des jeunes professionnels de santé",
        pilot="karim.benali",
        problems="Les internes et jeunes diplômés connaissent mal le territoire ; trois "
        "cabinets cherchent un successeur.",
        objectives="- Accueillir des stagiaires dans les cabinets de la CPTS\n"
        "- Présenter les opportunités d'installation aux internes",
        target_public="Internes, étudiants en santé et jeunes professionnels.",
        milestones="Soirée d'accueil des internes chaque semestre.",
        means_logistic="Logements de stage recensés avec les mairies.",
        means_digital="Page « S'installer sur le territoire » du site de la CPTS.",
        means_human="Maîtres de stage.",
        resources_available="Faculté de médecine de Montpellier-Nîmes.",
        obstacles="Manque de logements de stage.",
        levers="Partenariat avec les communes.",
        budget=Decimal("4500"),
        start_date=D(2027, 3, 1),
        end_date=D(2029, 2, 28),
        members=[MemberSpec(user="julien.roux")],
        sub_actions=[
            SubActionSpec(
                what="Organiser une soirée d'accueil des internes",
                who="Karim Benali",
                start_date=D(2027, 5, 1),
                end_date=D(2027, 5, 31),
                status=PLANNED,
            ),
            SubActionSpec(
                what="Recenser les logements de stage avec les mairies",
                who="Secrétariat",
                start_date=D(2027, 3, 1),
                end_date=D(2027, 6, 30),
                status=PLANNED,
            ),
        ],
        indicators=[
            IndicatorSpec(
                name="Nombre de stagiaires accueillis par an",
                kind=RESULT,
                baseline="3",
                target="10",
                unit="stagiaires",
                source="Conventions de stage",
                frequency="annuelle",
                drives_funding=True,
            )
        ],
    ),
]

# Uzège – Pont du Gard: one fiche per socle mission and the crisis one, written alike.
UZEGE = [
    ("1a", "Trouver un médecin traitant aux patients en ALD du territoire", "henri.vidal"),
    ("1b", "Maison médicale de garde et créneaux de soins non programmés", "thomas.lefevre"),
    ("2", "Parcours de la femme enceinte en situation de précarité", "emilie.fabre"),
    ("3", "Dépistage du cancer du sein : aller vers les femmes éloignées du soin", "emilie.fabre"),
    ("6", "Plan de réponse aux crises sanitaires graves de la CPTS", "thomas.lefevre"),
]
# The diagnostic's needs (B1…) each Pic Saint-Loup fiche answers, by fiche number.
PIC_NEEDS_OF_FICHE = {1: [1], 2: [2], 3: [3], 4: [4], 6: [5]}


def _uzege_fiche(mission: str, title: str, pilot: str) -> FicheSpec:
    return FicheSpec(
        mission=mission,
        title=title,
        pilot=pilot,
        problems="Constat partagé par le groupe de travail à partir du diagnostic "
        "territorial de la CPTS.",
        objectives=f"Déployer l'action « {title} » sur tout le territoire de la CPTS.",
        target_public="Habitants du territoire de la CPTS.",
        start_date=D(2026, 9, 1),
        end_date=D(2028, 8, 31),
        budget=Decimal("12000"),
        sub_actions=[
            SubActionSpec(
                what="Constituer le groupe de travail",
                who="Coordinateur",
                start_date=D(2026, 9, 1),
                end_date=D(2026, 10, 31),
                status=DONE,
            ),
            SubActionSpec(
                what="Rédiger le protocole de l'action",
                who="Pilote",
                start_date=D(2026, 11, 1),
                end_date=D(2027, 2, 28),
                status=ONGOING,
            ),
        ],
        indicators=[
            IndicatorSpec(
                name="Taux d'atteinte de l'objectif de l'action",
                kind=RESULT,
                baseline="0",
                target="100",
                unit="%",
                source="Tableau de bord de la CPTS",
                frequency="annuelle",
                drives_funding=True,
            ),
        ],
    )


def row_fields(row, users: dict) -> dict:
    """The model fields of a row record: the member's account looked up in `users`, baseline
    and target as decimals."""
    fields = {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    if "user" in fields:
        fields["user"] = users.get(fields["user"]) if fields["user"] else None
    for name in ("baseline", "target"):
        if fields.get(name) is not None:
            fields[name] = Decimal(fields[name])
    return fields


def seed_fiche(project, number: int, spec: FicheSpec, *, missions: dict, users: dict, by) -> Fiche:
    """Bring fiche `number` of `project` to `spec`, rows included (rows past the spec's are
    removed). `missions` by code, `users` by e-mail local part."""
    fiche, _ = Fiche.objects.update_or_create(
        project=project,
        number=number,
        defaults={
            "mission": missions[spec.mission],
            "title": spec.title,
            "pilot": users.get(spec.pilot) if spec.pilot else None,
            **{name: getattr(spec, name) for name in FICHE_TEXTS},
            "start_date": spec.start_date,
            "end_date": spec.end_date,
            "budget": spec.budget,
            "updated_by": by,
        },
    )
    for model, rows in (
        (WorkingGroupMember, spec.members),
        (SubAction, spec.sub_actions),
        (Indicator, spec.indicators),
    ):
        for index, row in enumerate(rows, start=1):
            model.objects.update_or_create(
                fiche=fiche,
                number=index,
                defaults={**row_fields(row, users), "position": index, "updated_by": by},
            )
        model.objects.filter(fiche=fiche, number__gt=len(rows)).delete()
    return fiche


def _seed_fiches(project, specs: list[FicheSpec], *, missions: dict, users: dict, by) -> None:
    for number, spec in enumerate(specs, start=1):
        seed_fiche(project, number, spec, missions=missions, users=users, by=by)
    Fiche.objects.filter(project=project, number__gt=len(specs)).delete()


def seed(seeded: dict) -> None:
    catalogue_ensure()
    missions = {m.code: m for m in Mission.objects.all()}
    users, projects = seeded["users"], seeded["projects"]

    pic = projects["pic-saint-loup"]
    _seed_fiches(pic, PIC, missions=missions, users=users, by=users["claire.martin"])
    _link_needs(pic, PIC_NEEDS_OF_FICHE)

    uzege_fiches = [_uzege_fiche(*row) for row in UZEGE]
    _seed_fiches(
        projects["uzege-pont-du-gard"],
        uzege_fiches,
        missions=missions,
        users=users,
        by=users["thomas.lefevre"],
    )


def _link_needs(project, needs_of_fiche: dict[int, list[int]]) -> None:
    """The diagnostic's needs (B1…) each demo fiche answers."""
    needs = {n.number: n for n in Need.objects.filter(project=project)}
    for fiche in Fiche.objects.filter(project=project):
        fiche.needs.set([needs[n] for n in needs_of_fiche.get(fiche.number, []) if n in needs])
