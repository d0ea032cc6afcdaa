"""Demo fiches-actions, inspired by the worked examples of the guide (part 3).

Pic Saint-Loup (being written): six fiches, Julien Roux pilots two of them; the crisis
mission (6) has no fiche yet, so the overview shows what a deposit still lacks.
Uzège – Pont du Gard (under review): every socle mission covered.
Idempotent: fiches are found by their number, rows by theirs.
"""

import datetime as dt
from decimal import Decimal

from missions.catalogue import catalogue_ensure
from missions.models import Fiche, Indicator, Mission, SubAction, WorkingGroupMember

D = dt.date
R, S = Indicator.Kind.RESULT, Indicator.Kind.FOLLOW_UP
PLANNED, ONGOING, DONE = SubAction.Status.PLANNED, SubAction.Status.ONGOING, SubAction.Status.DONE

PIC = [
    {
        "mission": "1a",
        "title": "Proposer un médecin traitant aux patients fragiles qui n'en ont pas",
        "pilot": "julien.roux",
        "problems": "Sur le territoire, 7,8 % des patients en ALD et 6,1 % des plus de 70 ans "
        "n'ont pas de médecin traitant déclaré (données CPAM 2025).\n\n"
        "Deux départs en retraite sont annoncés à Saint-Martin-de-Londres et Claret d'ici "
        "2027 : environ 2 400 patients devront retrouver un médecin traitant.",
        "objectives": "- Proposer à chaque patient fragile sans médecin traitant une liste de "
        "médecins pouvant l'accueillir\n- Réduire de moitié en trois ans la part des patients "
        "en ALD sans médecin traitant",
        "target_public": "Patients en ALD, de plus de 70 ans ou bénéficiaires de la "
        "complémentaire santé solidaire, sans médecin traitant.",
        "milestones": "Recensement à 3 mois, premières orientations à 6 mois, bilan annuel.",
        "means_logistic": "Une salle de réunion à la MSP des Matelles, une fois par trimestre.",
        "means_digital": "Un tableau partagé des capacités d'accueil, hébergé sur l'outil de "
        "coordination régional.",
        "means_human": "Secrétariat de la CPTS : 0,2 ETP ; médecins : 2 h par mois chacun.",
        "resources_available": "Liste CPAM des patients sans médecin traitant ; annuaire "
        "des professionnels de la CPTS.",
        "obstacles": "Charge de travail des médecins déjà installés.",
        "levers": "Protocole d'accueil partagé, appui des infirmières Asalée.",
        "budget": Decimal("14500"),
        "start": D(2027, 1, 4),
        "end": D(2028, 6, 30),
        "members": [
            ("sophie.garnier", "", "", ""),
            (None, "Dr Marc Servel", "Médecin généraliste", "MSP des Matelles, 04 67 00 11 22"),
        ],
        "sub_actions": [
            (
                "Recenser les patients fragiles sans médecin traitant avec la CPAM",
                "CPAM et " "secrétariat de la CPTS",
                D(2027, 1, 4),
                D(2027, 3, 31),
                ONGOING,
            ),
            (
                "Identifier les médecins pouvant accueillir de nouveaux patients (sondage, "
                "réunion)",
                "Julien Roux",
                D(2027, 2, 1),
                D(2027, 4, 30),
                PLANNED,
            ),
            (
                "Informer les patients ciblés par courrier et affichage en salle d'attente",
                "Secrétariat de la CPTS",
                D(2027, 5, 1),
                D(2027, 9, 30),
                PLANNED,
            ),
        ],
        "indicators": [
            (
                "Part des patients en ALD sans médecin traitant",
                R,
                "7.8",
                "4",
                "%",
                "CPAM (tableau de bord CPTS)",
                "annuelle",
                True,
            ),
            (
                "Nombre de patients orientés vers un médecin traitant",
                S,
                "0",
                "400",
                "patients",
                "Tableau de suivi de la CPTS",
                "trimestrielle",
                False,
            ),
        ],
    },
    {
        "mission": "1b",
        "title": "Organiser la réponse aux soins non programmés en ville",
        "pilot": None,
        "pilot_name": "Dr Anne Delmas",
        "pilot_profession": "Médecin généraliste",
        "pilot_contact": "MSP de Saint-Mathieu-de-Tréviers — 04 67 00 22 33 — "
        "anne.delmas@exemple.fr",
        "problems": "Les urgences du CHU reçoivent chaque jour une vingtaine de patients du "
        "territoire pour des demandes qui relèvent de la médecine de ville.",
        "objectives": "- Réserver des créneaux de soins non programmés dans chaque cabinet "
        "volontaire\n- Orienter les appels du SAS vers ces créneaux",
        "target_public": "Patients du territoire ayant besoin d'une consultation dans les 48 h.",
        "milestones": "Convention avec le SAS à 4 mois ; 10 cabinets volontaires à 9 mois.",
        "means_logistic": "Aucun local supplémentaire.",
        "means_digital": "Agenda partagé des créneaux, relié à la plateforme du SAS.",
        "means_human": "Régulation : 1 h par jour ouvré, assurée à tour de rôle.",
        "resources_available": "Plateforme SAS de l'Hérault déjà déployée.",
        "obstacles": "Créneaux non utilisés qui découragent les médecins.",
        "levers": "Indemnisation des créneaux par l'ACI (ligne SNP).",
        "budget": Decimal("22000"),
        "start": D(2027, 1, 4),
        "end": D(2028, 6, 30),
        "members": [("karim.benali", "", "", "")],
        "sub_actions": [
            (
                "Recruter les cabinets volontaires et fixer leurs créneaux",
                "Anne Delmas",
                D(2027, 1, 4),
                D(2027, 6, 30),
                PLANNED,
            ),
            (
                "Signer la convention avec le SAS",
                "Coordinatrice",
                D(2027, 1, 4),
                D(2027, 4, 30),
                PLANNED,
            ),
            (
                "Suivre chaque mois le taux d'occupation des créneaux",
                "Secrétariat",
                D(2027, 7, 1),
                D(2028, 6, 30),
                PLANNED,
            ),
        ],
        "indicators": [
            (
                "Nombre de créneaux de soins non programmés ouverts par semaine",
                R,
                "0",
                "60",
                "créneaux",
                "Agenda partagé",
                "mensuelle",
                True,
            ),
            (
                "Taux d'occupation des créneaux",
                S,
                None,
                "80",
                "%",
                "Agenda partagé",
                "mensuelle",
                False,
            ),
        ],
    },
    {
        "mission": "2",
        "title": "Parcours de la personne âgée insuffisante cardiaque à domicile",
        "pilot": "julien.roux",
        "problems": "Les réhospitalisations à 30 jours pour insuffisance cardiaque sont "
        "fréquentes chez les plus de 75 ans ; la sortie d'hôpital est mal coordonnée avec les "
        "infirmiers et pharmaciens de ville.",
        "objectives": "- Organiser un retour à domicile coordonné dans les 7 jours suivant "
        "la sortie\n- Éduquer le patient à la surveillance de son poids et de ses symptômes",
        "target_public": "Patients de plus de 75 ans hospitalisés pour insuffisance cardiaque.",
        "milestones": "Protocole validé à 6 mois ; 30 patients inclus à 12 mois.",
        "means_logistic": "Balances connectées prêtées par le réseau.",
        "means_digital": "Messagerie sécurisée de santé entre l'hôpital et la ville.",
        "means_human": "Infirmière de coordination : 0,3 ETP.",
        "resources_available": "Programme PRADO de l'Assurance maladie ; service de "
        "cardiologie du CHU partenaire.",
        "obstacles": "Informations de sortie tardives.",
        "levers": "Lettre de liaison envoyée le jour de la sortie.",
        "budget": Decimal("31000"),
        "start": D(2027, 7, 1),
        "end": D(2029, 1, 31),
        "members": [
            ("karim.benali", "", "", ""),
            (None, "Laure Fabien", "Infirmière libérale", "Cabinet infirmier de Claret"),
        ],
        "sub_actions": [
            (
                "Écrire le protocole de sortie avec le service de cardiologie",
                "Julien Roux",
                D(2027, 7, 1),
                D(2027, 12, 31),
                PLANNED,
            ),
            (
                "Former les infirmiers et pharmaciens à l'éducation du patient",
                "Infirmière de coordination",
                D(2028, 1, 1),
                D(2028, 3, 31),
                PLANNED,
            ),
            (
                "Inclure les patients et suivre les réhospitalisations",
                "Médecins traitants",
                D(2028, 1, 1),
                D(2029, 1, 31),
                PLANNED,
            ),
        ],
        "indicators": [
            (
                "Part des patients inclus ayant bénéficié du parcours",
                R,
                "0",
                "60",
                "%",
                "CPAM et dossier de coordination",
                "annuelle",
                True,
            ),
            (
                "Taux de réhospitalisation à 30 jours",
                S,
                "22",
                "15",
                "%",
                "CHU partenaire",
                "semestrielle",
                False,
            ),
        ],
    },
    {
        "mission": "3",
        "title": "Prévention : vaccination contre la grippe et dépistage du cancer colorectal",
        "pilot": "sophie.garnier",
        "problems": "La couverture vaccinale contre la grippe des plus de 65 ans (51 %) et la "
        "participation au dépistage du cancer colorectal (29 %) sont sous les moyennes "
        "régionales.",
        "objectives": "- Atteindre 60 % de couverture vaccinale chez les plus de 65 ans\n"
        "- Remettre le kit de dépistage en pharmacie",
        "target_public": "Personnes de 50 à 74 ans (dépistage), de plus de 65 ans "
        "(vaccination).",
        "milestones": "Campagne d'automne chaque année ; bilan en janvier.",
        "means_logistic": "Affiches et dépliants dans les officines et cabinets.",
        "means_digital": "Relances par SMS des patients consentants.",
        "means_human": "Pharmaciens et infirmiers vaccinateurs.",
        "resources_available": "Kits de dépistage fournis par le centre régional de "
        "coordination des dépistages.",
        "obstacles": "Hésitation vaccinale.",
        "levers": "Vaccination en pharmacie sans rendez-vous.",
        "budget": Decimal("9800"),
        "start": D(2027, 9, 1),
        "end": D(2029, 1, 31),
        "members": [(None, "Paul Ortiz", "Pharmacien", "Pharmacie de Saint-Gély-du-Fesc")],
        "sub_actions": [
            (
                "Organiser une journée de vaccination dans chaque commune",
                "Pharmaciens",
                D(2027, 10, 1),
                D(2027, 12, 15),
                PLANNED,
            ),
            (
                "Remettre les kits de dépistage en officine",
                "Pharmaciens",
                D(2027, 9, 1),
                D(2028, 8, 31),
                PLANNED,
            ),
        ],
        "indicators": [
            (
                "Couverture vaccinale antigrippale des plus de 65 ans",
                R,
                "51",
                "60",
                "%",
                "CPAM",
                "annuelle",
                True,
            ),
        ],
    },
    {
        "mission": "4",
        "title": "Retours d'expérience pluriprofessionnels sur les événements indésirables",
        "pilot": None,
        "pilot_name": "Hélène Pujol",
        "pilot_profession": "Pharmacienne",
        "pilot_contact": "Pharmacie des Matelles — 04 67 00 44 55",
        "problems": "Les événements indésirables liés aux médicaments chez la personne âgée "
        "ne sont ni déclarés ni analysés en ville.",
        "objectives": "Tenir quatre comités de retour d'expérience (CREX) par an.",
        "target_public": "Professionnels de santé de la CPTS.",
        "milestones": "Premier CREX au 6e mois.",
        "means_logistic": "Salle de réunion.",
        "means_digital": "Formulaire de déclaration en ligne.",
        "means_human": "Un animateur formé à la méthode ORION.",
        "resources_available": "Structure régionale d'appui à la qualité.",
        "obstacles": "Crainte d'une recherche de responsabilité.",
        "levers": "Charte de confidentialité.",
        "budget": Decimal("6000"),
        "start": D(2027, 6, 1),
        "end": D(2028, 12, 31),
        "members": [],
        "sub_actions": [
            (
                "Former deux animateurs à la méthode ORION",
                "Structure d'appui",
                D(2027, 6, 1),
                D(2027, 9, 30),
                PLANNED,
            ),
        ],
        "indicators": [
            (
                "Nombre de CREX tenus dans l'année",
                R,
                "0",
                "4",
                "réunions",
                "Comptes rendus",
                "annuelle",
                True,
            ),
        ],
    },
    {
        "mission": "5",
        "title": "Accompagner l'installation des jeunes professionnels de santé",
        "pilot": "karim.benali",
        "problems": "Les internes et jeunes diplômés connaissent mal le territoire ; trois "
        "cabinets cherchent un successeur.",
        "objectives": "- Accueillir des stagiaires dans les cabinets de la CPTS\n"
        "- Présenter les opportunités d'installation aux internes",
        "target_public": "Internes, étudiants en santé et jeunes professionnels.",
        "milestones": "Soirée d'accueil des internes chaque semestre.",
        "means_logistic": "Logements de stage recensés avec les mairies.",
        "means_digital": "Page « S'installer sur le territoire » du site de la CPTS.",
        "means_human": "Maîtres de stage.",
        "resources_available": "Faculté de médecine de Montpellier-Nîmes.",
        "obstacles": "Manque de logements de stage.",
        "levers": "Partenariat avec les communes.",
        "budget": Decimal("4500"),
        "start": D(2027, 3, 1),
        "end": D(2029, 2, 28),
        "members": [("julien.roux", "", "", "")],
        "sub_actions": [
            (
                "Organiser une soirée d'accueil des internes",
                "Karim Benali",
                D(2027, 5, 1),
                D(2027, 5, 31),
                PLANNED,
            ),
            (
                "Recenser les logements de stage avec les mairies",
                "Secrétariat",
                D(2027, 3, 1),
                D(2027, 6, 30),
                PLANNED,
            ),
        ],
        "indicators": [
            (
                "Nombre de stagiaires accueillis par an",
                R,
                "3",
                "10",
                "stagiaires",
                "Conventions de stage",
                "annuelle",
                True,
            ),
        ],
    },
]

UZEGE = [
    ("1a", "Trouver un médecin traitant aux patients en ALD du territoire", "henri.vidal"),
    ("1b", "Maison médicale de garde et créneaux de soins non programmés", "thomas.lefevre"),
    ("2", "Parcours de la femme enceinte en situation de précarité", "emilie.fabre"),
    ("3", "Dépistage du cancer du sein : aller vers les femmes éloignées du soin", "emilie.fabre"),
    ("6", "Plan de réponse aux crises sanitaires graves de la CPTS", "thomas.lefevre"),
]


# Texts of the fiche, "" when the data leaves them out.
FICHE_TEXTS = [
    "pilot_name",
    "pilot_profession",
    "pilot_contact",
    "problems",
    "objectives",
    "target_public",
    "milestones",
    "means_logistic",
    "means_digital",
    "means_human",
    "resources_available",
    "obstacles",
    "levers",
]
# The rows of a fiche: key in the data, model, fields of each tuple.
ROWS = [
    ("members", WorkingGroupMember, ("user", "name", "profession", "contact")),
    ("sub_actions", SubAction, ("what", "who", "start_date", "end_date", "status")),
    (
        "indicators",
        Indicator,
        ("name", "kind", "baseline", "target", "unit", "source", "frequency", "drives_funding"),
    ),
]


def _row_fields(values: tuple, names: tuple, users: dict) -> dict:
    fields = dict(zip(names, values, strict=True))
    if "user" in fields:
        fields["user"] = users.get(fields["user"]) if fields["user"] else None
    for name in ("baseline", "target"):
        if fields.get(name) is not None:
            fields[name] = Decimal(fields[name])
    return fields


def _fiche(project, number, mission, data, users, by):
    fiche, _ = Fiche.objects.update_or_create(
        project=project,
        number=number,
        defaults={
            "mission": mission,
            "title": data["title"],
            "pilot": users.get(data["pilot"]) if data.get("pilot") else None,
            **{name: data.get(name, "") for name in FICHE_TEXTS},
            "start_date": data.get("start"),
            "end_date": data.get("end"),
            "budget": data.get("budget"),
            "updated_by": by,
        },
    )
    for key, model, names in ROWS:
        items = data.get(key, [])
        for index, values in enumerate(items, start=1):
            model.objects.update_or_create(
                fiche=fiche,
                number=index,
                defaults={**_row_fields(values, names, users), "position": index, "updated_by": by},
            )
        model.objects.filter(fiche=fiche, number__gt=len(items)).delete()
    return fiche


def seed(seeded: dict) -> None:
    catalogue_ensure()
    missions = {m.code: m for m in Mission.objects.all()}
    users = seeded["users"]

    pic = seeded["projects"]["pic-saint-loup"]
    for number, data in enumerate(PIC, start=1):
        _fiche(pic, number, missions[data["mission"]], data, users, users["claire.martin"])
    Fiche.objects.filter(project=pic, number__gt=len(PIC)).delete()
    _link_needs(pic, {1: [1], 2: [2], 3: [3], 4: [4], 6: [5]})

    uzege = seeded["projects"]["uzege-pont-du-gard"]
    for number, (code, title, pilot) in enumerate(UZEGE, start=1):
        data = {
            "title": title,
            "pilot": pilot,
            "problems": "Constat partagé par le groupe de travail à partir du diagnostic "
            "territorial de la CPTS.",
            "objectives": f"Déployer l'action « {title} » sur tout le territoire de la CPTS.",
            "target_public": "Habitants du territoire de la CPTS.",
            "start": D(2026, 9, 1),
            "end": D(2028, 8, 31),
            "budget": Decimal("12000"),
            "sub_actions": [
                (
                    "Constituer le groupe de travail",
                    "Coordinateur",
                    D(2026, 9, 1),
                    D(2026, 10, 31),
                    DONE,
                ),
                (
                    "Rédiger le protocole de l'action",
                    "Pilote",
                    D(2026, 11, 1),
                    D(2027, 2, 28),
                    ONGOING,
                ),
            ],
            "indicators": [
                (
                    "Taux d'atteinte de l'objectif de l'action",
                    R,
                    "0",
                    "100",
                    "%",
                    "Tableau de bord de la CPTS",
                    "annuelle",
                    True,
                ),
            ],
        }
        _fiche(uzege, number, missions[code], data, users, users["thomas.lefevre"])
    Fiche.objects.filter(project=uzege, number__gt=len(UZEGE)).delete()


def _link_needs(project, needs_of_fiche: dict[int, list[int]]) -> None:
    """The diagnostic's needs (B1…) each demo fiche answers."""
    from diagnostics.models import Need

    needs = {n.number: n for n in Need.objects.filter(project=project)}
    for fiche in Fiche.objects.filter(project=project):
        fiche.needs.set([needs[n] for n in needs_of_fiche.get(fiche.number, []) if n in needs])
