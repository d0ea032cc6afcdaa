"""Demo data: three CPTS of Occitanie at different stages, their reviewers, one account per role.

Idempotent: every object is found by its natural key (slug, e-mail) and brought back to the
demo state, so running it twice leaves the same data.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.demo_listing import DEMO_EMAIL_DOMAIN
from accounts.models import Membership, Organisation, User
from geo import services as geo_services
from geo.models import Departement, Region
from projects.models import (
    STAGE_OF_STATE,
    Avis,
    AvisBody,
    Deposit,
    IntentionAnswer,
    IntentionLetter,
    Project,
    ProjectEvent,
    State,
)

from . import diagnostics as demo_diagnostics
from . import followup as demo_followup
from . import funding as demo_funding
from . import governance as demo_governance
from . import missions as demo_missions

Kind = Organisation.Kind
Scope = Organisation.Scope
Role = Membership.Role

REGION = "76"  # Occitanie
# Domain apps' demo data, seeded after the core in this order, then the yearly follow-up.
DOMAIN_SEEDS = [
    demo_diagnostics.seed,
    demo_funding.seed,
    demo_missions.seed,
    demo_governance.seed,
    demo_followup.seed,
]

ORGANISATIONS = [
    # slug, name, kind, scope, départements
    (
        "cpts-pic-saint-loup",
        "Association CPTS du Pic Saint-Loup",
        Kind.CPTS,
        Scope.DEPARTEMENTS,
        [],
    ),
    (
        "cpts-uzege-pont-du-gard",
        "Association CPTS Uzège – Pont du Gard",
        Kind.CPTS,
        Scope.DEPARTEMENTS,
        [],
    ),
    (
        "cpts-lodevois-larzac",
        "Association CPTS Lodévois et Larzac",
        Kind.CPTS,
        Scope.DEPARTEMENTS,
        [],
    ),
    (
        "ars-dd-34",
        "ARS Occitanie — délégation départementale de l'Hérault",
        Kind.ARS_DD,
        Scope.DEPARTEMENTS,
        ["34"],
    ),
    (
        "ars-dd-30",
        "ARS Occitanie — délégation départementale du Gard",
        Kind.ARS_DD,
        Scope.DEPARTEMENTS,
        ["30"],
    ),
    ("cpam-34", "CPAM de l'Hérault", Kind.CPAM, Scope.DEPARTEMENTS, ["34"]),
    (
        "cpts-bassin-de-thau",
        "Association CPTS du Bassin de Thau",
        Kind.CPTS,
        Scope.DEPARTEMENTS,
        [],
    ),
    ("urps-occitanie", "Inter URPS Occitanie", Kind.URPS, Scope.REGION, []),
    ("ars-occitanie", "ARS Occitanie — siège", Kind.ARS_SIEGE, Scope.REGION, []),
]

PROJECTS = [
    # slug, name, organisation, state, départements, intention letter submitted on
    (
        "pic-saint-loup",
        "CPTS du Pic Saint-Loup",
        "cpts-pic-saint-loup",
        State.REDACTION,
        ["34"],
        dt.date(2026, 3, 12),
    ),
    (
        "uzege-pont-du-gard",
        "CPTS Uzège – Pont du Gard",
        "cpts-uzege-pont-du-gard",
        State.DEPOSITED,
        ["30"],
        dt.date(2026, 1, 20),
    ),
    (
        "lodevois-larzac",
        "CPTS Lodévois et Larzac",
        "cpts-lodevois-larzac",
        State.INITIATIVE,
        ["34"],
        None,
    ),
    (
        "bassin-de-thau",
        "CPTS du Bassin de Thau",
        "cpts-bassin-de-thau",
        State.CONTRACTED,
        ["34"],
        dt.date(2023, 11, 6),
    ),
]

PEOPLE = [
    # local part, first name, last name, profession, organisation, role
    (
        "claire.martin",
        "Claire",
        "Martin",
        "Coordinatrice de CPTS",
        "cpts-pic-saint-loup",
        Role.COORDINATOR,
    ),
    ("julien.roux", "Julien", "Roux", "Médecin généraliste", "cpts-pic-saint-loup", Role.PILOT),
    ("sophie.garnier", "Sophie", "Garnier", "Pharmacienne", "cpts-pic-saint-loup", Role.BUREAU),
    (
        "karim.benali",
        "Karim",
        "Benali",
        "Masseur-kinésithérapeute",
        "cpts-pic-saint-loup",
        Role.MEMBER,
    ),
    (
        "thomas.lefevre",
        "Thomas",
        "Lefèvre",
        "Coordinateur de CPTS",
        "cpts-uzege-pont-du-gard",
        Role.COORDINATOR,
    ),
    ("emilie.fabre", "Émilie", "Fabre", "Sage-femme", "cpts-uzege-pont-du-gard", Role.PILOT),
    (
        "henri.vidal",
        "Henri",
        "Vidal",
        "Médecin généraliste",
        "cpts-uzege-pont-du-gard",
        Role.BUREAU,
    ),
    ("nadia.mercier", "Nadia", "Mercier", "Infirmière", "cpts-lodevois-larzac", Role.COORDINATOR),
    (
        "lucie.bernard",
        "Lucie",
        "Bernard",
        "Coordinatrice de CPTS",
        "cpts-bassin-de-thau",
        Role.COORDINATOR,
    ),
    ("marc.olivier", "Marc", "Olivier", "Médecin généraliste", "cpts-bassin-de-thau", Role.BUREAU),
    (
        "isabelle.moreau",
        "Isabelle",
        "Moreau",
        "Chargée de mission soins de proximité",
        "ars-dd-34",
        Role.REVIEWER,
    ),
    ("philippe.girard", "Philippe", "Girard", "Délégué départemental", "ars-dd-34", Role.DECIDER),
    (
        "camille.dupuis",
        "Camille",
        "Dupuis",
        "Chargée de mission soins de proximité",
        "ars-dd-30",
        Role.REVIEWER,
    ),
    ("laurent.bonnet", "Laurent", "Bonnet", "Délégué départemental", "ars-dd-30", Role.DECIDER),
    (
        "marie.chevalier",
        "Marie",
        "Chevalier",
        "Conseillère offre de soins",
        "cpam-34",
        Role.REVIEWER,
    ),
    ("pierre.blanc", "Pierre", "Blanc", "Chargé de mission", "urps-occitanie", Role.REVIEWER),
    (
        "helene.rousseau",
        "Hélène",
        "Rousseau",
        "Analyste, direction de l'offre de soins",
        "ars-occitanie",
        Role.ANALYST,
    ),
]

ADMIN = ("admin", "Alice", "Admin")
# Who manages the team of each review body (in a CPTS, the coordinators do).
MANAGERS = {
    "isabelle.moreau",
    "camille.dupuis",
    "marie.chevalier",
    "pierre.blanc",
    "helene.rousseau",
}


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_EMAIL_DOMAIN}"


def _user(local_part, first_name, last_name, profession="", *, password, superuser=False):
    user, created = User.objects.get_or_create(email=demo_email(local_part))
    user.first_name, user.last_name, user.profession = first_name, last_name, profession
    user.is_active = True
    user.is_staff = user.is_superuser = superuser
    if created or not user.check_password(password):
        user.set_password(password)
    user.save()
    return user


@transaction.atomic
def demo_seed(*, password: str | None = None) -> dict:
    password = password or settings.DEMO_PASSWORD
    if not geo_services.referential_is_loaded():
        geo_services.referential_load()
    region = Region.objects.get(code=REGION)

    organisations = {}
    for slug, name, kind, scope, codes in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "scope": scope,
                "region": region if scope == Scope.REGION or kind == Kind.ARS_DD else None,
            },
        )
        organisation.departements.set(Departement.objects.filter(code__in=codes))
        organisations[slug] = organisation

    projects = {}
    for slug, name, org_slug, state, codes, submitted_on in PROJECTS:
        submitted_at = (
            timezone.make_aware(dt.datetime.combine(submitted_on, dt.time(10, 0)))
            if submitted_on
            else None
        )
        project, _ = Project.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "organisation": organisations[org_slug],
                "state": state,
                "stage": STAGE_OF_STATE[state],
                "submitted_at": submitted_at,
            },
        )
        project.departements.set(Departement.objects.filter(code__in=codes))
        projects[slug] = project

    users = {}
    for local_part, first_name, last_name, profession, org_slug, role in PEOPLE:
        user = _user(local_part, first_name, last_name, profession, password=password)
        Membership.objects.update_or_create(
            user=user,
            organisation=organisations[org_slug],
            defaults={"role": role, "is_manager": local_part in MANAGERS},
        )
        users[local_part] = user
    local_part, first_name, last_name = ADMIN
    users[local_part] = _user(local_part, first_name, last_name, password=password, superuser=True)
    seeded = {"organisations": organisations, "projects": projects, "users": users}
    _seed_lifecycle(seeded)
    for seed in DOMAIN_SEEDS:
        seed(seeded)
    return seeded


LETTER = {
    "porteur": "Association CPTS du Pic Saint-Loup (loi 1901), siège à Saint-Gély-du-Fesc ; "
    "présidente : Sophie Garnier, pharmacienne.",
    "territory": "Les 36 communes de la communauté de communes du Grand Pic Saint-Loup "
    "(Hérault), environ 50 000 habitants, au nord de Montpellier.",
    "diagnostic": "Territoire périurbain en forte croissance, population vieillissante dans "
    "les villages du nord.\n\n- 12 % des patients sans médecin traitant\n- délais de "
    "rendez-vous longs en kinésithérapie\n- recours fréquents aux urgences de Montpellier",
    "actors": "- 48 professionnels de santé libéraux engagés\n- MSP de Saint-Martin-de-Londres"
    "\n- EHPAD de Saint-Mathieu-de-Tréviers\n- SSIAD du Pic Saint-Loup",
    "coordination": "Une MSP et deux groupes de pairs de médecins généralistes ; "
    "pas de coordination à l'échelle du territoire.",
    "missions": "Les missions socles (accès aux soins, parcours, prévention) puis "
    "l'accompagnement des professionnels.",
    "calendar": "Lettre d'intention au printemps 2026, projet de santé à l'automne 2026.",
    "engineering_budget": 30000,
}


def _seed_lifecycle(seeded) -> None:
    """The lifecycle records behind each demo project's state (letters, answers, deposit)."""
    users, projects = seeded["users"], seeded["projects"]
    pic, uzege = projects["pic-saint-loup"], projects["uzege-pont-du-gard"]
    for project in (pic, uzege):
        letter, _ = IntentionLetter.objects.update_or_create(
            project=project,
            defaults={
                **LETTER,
                "porteur": LETTER["porteur"] if project is pic else project.organisation.name,
                "round": 1,
                "submitted_at": project.submitted_at,
            },
        )
        for body, user in (("ARS_DD", "isabelle.moreau"), ("CPAM", "marie.chevalier")):
            if project is uzege:
                user = "camille.dupuis" if body == "ARS_DD" else "marie.chevalier"
            IntentionAnswer.objects.get_or_create(
                letter=letter,
                round=1,
                body=body,
                defaults={
                    "answer": IntentionAnswer.Answer.VALIDATED,
                    "comment": "Veiller à associer les infirmiers libéraux du nord du territoire."
                    if body == "ARS_DD"
                    else "",
                    "by": users[user],
                },
            )
    # The Uzège deposit was received 40 days ago: its review is running.
    received = timezone.localdate() - dt.timedelta(days=40)
    deposit, created = Deposit.objects.get_or_create(
        project=uzege,
        number=1,
        defaults={
            "received_date": received,
            "clock_start_date": received,
            "deposited_by": users["thomas.lefevre"],
        },
    )
    if created:
        Avis.objects.bulk_create(Avis(deposit=deposit, body=body) for body in AvisBody.values)
        Avis.objects.filter(deposit=deposit, body="URPS").update(
            answers={
                key: {"judgement": "SATISFAISANT", "comment": ""}
                for key in ("missions", "diagnostic", "declinaison", "prs", "territoire")
            },
            overall=Avis.Overall.FAVORABLE,
            motivation="Projet cohérent, bonne implication des professionnels libéraux.",
            submitted_at=timezone.now(),
            submitted_by=users["pierre.blanc"],
        )
    timeline = {
        pic: [
            (
                "submit_intention",
                "Lettre d'intention transmise à la DD ARS et à la CPAM",
                "claire.martin",
            ),
            ("validate_intention", "Lettre d'intention validée", "isabelle.moreau"),
        ],
        uzege: [
            (
                "submit_intention",
                "Lettre d'intention transmise à la DD ARS et à la CPAM",
                "thomas.lefevre",
            ),
            ("validate_intention", "Lettre d'intention validée", "camille.dupuis"),
            ("deposit", "Projet de santé déposé auprès de la DD ARS", "thomas.lefevre"),
        ],
    }
    for project, events in timeline.items():
        if project.events.exists():
            continue
        for action, label, user in events:
            ProjectEvent.objects.create(
                project=project, action=action, label=label, actor=users[user]
            )
