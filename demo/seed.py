"""Demo data: three CPTS of Occitanie at different stages, their reviewers, one account per role.

Idempotent: every object is found by its natural key (slug, e-mail) and brought back to the
demo state, so running it twice leaves the same data.
"""

import datetime as dt
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.demo_listing import DEMO_EMAIL_DOMAIN
from accounts.models import Membership, Organisation, User
from geo import services as geo_services
from geo.models import Departement, Region
from lifecycle.documents import act_produce, document_freeze_for_deposit
from lifecycle.transitions import snapshot_frozen
from projects.models import (
    STAGE_OF_STATE,
    Avis,
    Decision,
    Deposit,
    Document,
    IntentionAnswer,
    IntentionLetter,
    Project,
    State,
)

from . import diagnostics as demo_diagnostics
from . import followup as demo_followup
from . import funding as demo_funding
from . import governance as demo_governance
from . import missions as demo_missions
from . import thau as demo_thau
from .common import deposit_ensure, timeline_ensure

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
    # What the contracted Bassin de Thau deposited (after the follow-up: its frozen basis).
    demo_thau.seed,
]


class OrganisationSpec(NamedTuple):
    slug: str
    name: str
    kind: str
    scope: str
    departements: list[str]


class ProjectSpec(NamedTuple):
    slug: str
    name: str
    organisation: str  # slug
    state: str
    departements: list[str]
    submitted_on: dt.date | None  # the intention letter's, at 10:00


class Person(NamedTuple):
    local_part: str  # of the e-mail address
    first_name: str
    last_name: str
    profession: str
    role: str


ORGANISATIONS = [
    OrganisationSpec(
        "cpts-pic-saint-loup",
        "Association CPTS du Pic Saint-Loup",
        Kind.CPTS,
        Scope.DEPARTEMENTS,
        [],
    ),
    OrganisationSpec(
        "cpts-uzege-pont-du-gard",
        "Association CPTS Uzège – Pont du Gard",
        Kind.CPTS,
        Scope.DEPARTEMENTS,
        [],
    ),
    OrganisationSpec(
        "cpts-lodevois-larzac",
        "Association CPTS Lodévois et Larzac",
        Kind.CPTS,
        Scope.DEPARTEMENTS,
        [],
    ),
    OrganisationSpec(
        "ars-dd-34",
        "ARS Occitanie — délégation départementale de l'Hérault",
        Kind.ARS_DD,
        Scope.DEPARTEMENTS,
        ["34"],
    ),
    OrganisationSpec(
        "ars-dd-30",
        "ARS Occitanie — délégation départementale du Gard",
        Kind.ARS_DD,
        Scope.DEPARTEMENTS,
        ["30"],
    ),
    OrganisationSpec("cpam-34", "CPAM de l'Hérault", Kind.CPAM, Scope.DEPARTEMENTS, ["34"]),
    OrganisationSpec(
        "cpts-bassin-de-thau",
        "Association CPTS du Bassin de Thau",
        Kind.CPTS,
        Scope.DEPARTEMENTS,
        [],
    ),
    OrganisationSpec("urps-occitanie", "Inter URPS Occitanie", Kind.URPS, Scope.REGION, []),
    OrganisationSpec("ars-occitanie", "ARS Occitanie — siège", Kind.ARS_SIEGE, Scope.REGION, []),
]

PROJECTS = [
    ProjectSpec(
        "pic-saint-loup",
        "CPTS du Pic Saint-Loup",
        "cpts-pic-saint-loup",
        State.REDACTION,
        ["34"],
        submitted_on=dt.date(2026, 3, 12),
    ),
    ProjectSpec(
        "uzege-pont-du-gard",
        "CPTS Uzège – Pont du Gard",
        "cpts-uzege-pont-du-gard",
        State.DEPOSITED,
        ["30"],
        submitted_on=dt.date(2026, 1, 20),
    ),
    ProjectSpec(
        "lodevois-larzac",
        "CPTS Lodévois et Larzac",
        "cpts-lodevois-larzac",
        State.INITIATIVE,
        ["34"],
        submitted_on=None,
    ),
    ProjectSpec(
        "bassin-de-thau",
        "CPTS du Bassin de Thau",
        "cpts-bassin-de-thau",
        State.CONTRACTED,
        ["34"],
        submitted_on=dt.date(2023, 11, 6),
    ),
]

# The demo accounts, per organisation: (e-mail local part, first name, last name, profession,
# role).
TEAMS = {
    "cpts-pic-saint-loup": [
        Person("claire.martin", "Claire", "Martin", "Coordinatrice de CPTS", Role.COORDINATOR),
        Person("julien.roux", "Julien", "Roux", "Médecin généraliste", Role.PILOT),
        Person("sophie.garnier", "Sophie", "Garnier", "Pharmacienne", Role.BUREAU),
        Person("karim.benali", "Karim", "Benali", "Masseur-kinésithérapeute", Role.MEMBER),
    ],
    "cpts-uzege-pont-du-gard": [
        Person("thomas.lefevre", "Thomas", "Lefèvre", "Coordinateur de CPTS", Role.COORDINATOR),
        Person("emilie.fabre", "Émilie", "Fabre", "Sage-femme", Role.PILOT),
        Person("henri.vidal", "Henri", "Vidal", "Médecin généraliste", Role.BUREAU),
    ],
    "cpts-lodevois-larzac": [
        Person("nadia.mercier", "Nadia", "Mercier", "Infirmière", Role.COORDINATOR),
    ],
    "cpts-bassin-de-thau": [
        Person("lucie.bernard", "Lucie", "Bernard", "Coordinatrice de CPTS", Role.COORDINATOR),
        Person("marc.olivier", "Marc", "Olivier", "Médecin généraliste", Role.BUREAU),
    ],
    "ars-dd-34": [
        Person(
            "isabelle.moreau",
            "Isabelle",
            "Moreau",
            "Chargée de mission soins de proximité",
            Role.REVIEWER,
        ),
        Person("philippe.girard", "Philippe", "Girard", "Délégué départemental", Role.DECIDER),
    ],
    "ars-dd-30": [
        Person(
            "camille.dupuis",
            "Camille",
            "Dupuis",
            "Chargée de mission soins de proximité",
            Role.REVIEWER,
        ),
        Person("laurent.bonnet", "Laurent", "Bonnet", "Délégué départemental", Role.DECIDER),
    ],
    "cpam-34": [
        Person(
            "marie.chevalier", "Marie", "Chevalier", "Conseillère offre de soins", Role.REVIEWER
        ),
    ],
    "urps-occitanie": [
        Person("pierre.blanc", "Pierre", "Blanc", "Chargé de mission", Role.REVIEWER),
    ],
    "ars-occitanie": [
        Person(
            "helene.rousseau",
            "Hélène",
            "Rousseau",
            "Analyste, direction de l'offre de soins",
            Role.ANALYST,
        ),
    ],
}

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
def demo_seed(*, password: str | None = None, documents: bool = True) -> dict:
    """`documents=False` (the tests' demo) leaves out the PDFs of the deposits and their acts:
    the tests seed again after each browser test, and the document tests count their own."""
    password = password or settings.DEMO_PASSWORD
    if not geo_services.referential_is_loaded():
        geo_services.referential_load()
    organisations = _seed_organisations()
    seeded = {
        "organisations": organisations,
        "projects": _seed_projects(organisations),
        "users": _seed_people(organisations, password),
    }
    _seed_lifecycle(seeded)
    for seed in DOMAIN_SEEDS:
        seed(seeded)
    _seed_deposit_records(seeded, documents=documents)
    return seeded


# The day the ARS decided on each demo deposit that is decided (decision letters are dated so).
DECIDED_ON = {"bassin-de-thau": dt.date(2024, 4, 22)}


def _at_ten(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _seed_deposit_records(seeded, *, documents: bool) -> None:
    """What the services leave behind a deposit and a decision (issue 15), for the demo's
    deposits, once every domain record is seeded: the content frozen (the snapshot and the
    projet de santé's PDF), the acknowledgement of receipt dated of the reception and, once
    decided, the decision letter dated of the decision (their PDFs rendered through the
    outbox: in-process in the demo, by the worker elsewhere). Acts of the past: announced to
    nobody. A deposit already frozen is left as it is (idempotent)."""
    projects = seeded["projects"].values()
    deposits = Deposit.objects.filter(project__in=projects, snapshot_hash="").select_related(
        "project", "deposited_by"
    )
    for deposit in deposits:
        content, content_hash = snapshot_frozen(deposit.project)
        deposit.snapshot, deposit.snapshot_hash = content, content_hash
        deposit.deposited_at = _at_ten(deposit.received_date)  # deposited the day received
        deposit.save(update_fields=["snapshot", "snapshot_hash", "deposited_at"])
        decision = Decision.objects.filter(deposit=deposit).first()
        decided_on = DECIDED_ON.get(deposit.project.slug, deposit.received_date)
        if decision is not None:
            Decision.objects.filter(pk=decision.pk).update(decided_at=_at_ten(decided_on))
        if not documents:
            continue
        by = deposit.deposited_by
        document_freeze_for_deposit(project=deposit.project, deposit=deposit, by=by)
        act_produce(
            deposit=deposit,
            kind=Document.Kind.ACK_RECEIPT,
            by=by,
            on=deposit.received_date,
            notify=False,
        )
        if decision is not None:
            act_produce(
                deposit=deposit,
                kind=Document.Kind.DECISION_LETTER,
                by=decision.decided_by,
                on=decided_on,
                notify=False,
            )


def _seed_organisations() -> dict[str, Organisation]:
    region = Region.objects.get(code=REGION)
    organisations = {}
    for spec in ORGANISATIONS:
        regional = spec.scope == Scope.REGION or spec.kind == Kind.ARS_DD
        organisation, _ = Organisation.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "scope": spec.scope,
                "region": region if regional else None,
            },
        )
        organisation.departements.set(Departement.objects.filter(code__in=spec.departements))
        organisations[spec.slug] = organisation
    return organisations


def _seed_projects(organisations: dict[str, Organisation]) -> dict[str, Project]:
    projects = {}
    for spec in PROJECTS:
        submitted_at = (
            timezone.make_aware(dt.datetime.combine(spec.submitted_on, dt.time(10, 0)))
            if spec.submitted_on
            else None
        )
        project, _ = Project.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "organisation": organisations[spec.organisation],
                "state": spec.state,
                "stage": STAGE_OF_STATE[spec.state],
                "submitted_at": submitted_at,
            },
        )
        project.departements.set(Departement.objects.filter(code__in=spec.departements))
        projects[spec.slug] = project
    return projects


def _seed_people(organisations: dict[str, Organisation], password: str) -> dict[str, User]:
    users = {}
    for organisation, team in TEAMS.items():
        for person in team:
            user = _user(
                person.local_part,
                person.first_name,
                person.last_name,
                person.profession,
                password=password,
            )
            Membership.objects.update_or_create(
                user=user,
                organisation=organisations[organisation],
                defaults={"role": person.role, "is_manager": person.local_part in MANAGERS},
            )
            users[person.local_part] = user
    local_part, first_name, last_name = ADMIN
    users[local_part] = _user(local_part, first_name, last_name, password=password, superuser=True)
    return users


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


# What the other demo letters say of their own CPTS (the rest as LETTER).
OWN_LETTER = {
    "uzege-pont-du-gard": {
        "territory": "Les communes de la communauté de communes Pays d'Uzès et du Pont du "
        "Gard (Gard), environ 55 000 habitants, entre Nîmes et Avignon.",
        "diagnostic": "Territoire rural et touristique, afflux estival autour du Pont du "
        "Gard.\n\n- départs en retraite de médecins généralistes à Uzès\n- peu de "
        "soins non programmés le week-end\n- isolement des personnes âgées dans les villages",
        "actors": "- 40 professionnels de santé libéraux engagés\n- centre hospitalier "
        "d'Uzès\n- SSIAD du pays d'Uzès",
        "coordination": "Deux MSP (Uzès, Remoulins) ; pas de coordination à l'échelle du "
        "territoire.",
    },
}
# Who answered each demo intention letter, per body (all validated it).
ANSWERED_BY = {
    "pic-saint-loup": {"ARS_DD": "isabelle.moreau", "CPAM": "marie.chevalier"},
    "uzege-pont-du-gard": {"ARS_DD": "camille.dupuis", "CPAM": "marie.chevalier"},
}
ARS_COMMENT = "Veiller à associer les infirmiers libéraux du nord du territoire."
# The timeline of the projects whose lifecycle is seeded here: (action, label, actor).
TIMELINES = {
    "pic-saint-loup": [
        (
            "submit_intention",
            "Lettre d'intention transmise à la DD ARS et à la CPAM",
            "claire.martin",
        ),
        ("validate_intention", "Lettre d'intention validée", "isabelle.moreau"),
    ],
    "uzege-pont-du-gard": [
        (
            "submit_intention",
            "Lettre d'intention transmise à la DD ARS et à la CPAM",
            "thomas.lefevre",
        ),
        ("validate_intention", "Lettre d'intention validée", "camille.dupuis"),
        ("deposit", "Projet de santé déposé auprès de la DD ARS", "thomas.lefevre"),
    ],
}
URPS_AVIS = {
    "answers": {
        key: {"judgement": "SATISFAISANT", "comment": ""}
        for key in ("missions", "diagnostic", "declinaison", "prs", "territoire")
    },
    "overall": Avis.Overall.FAVORABLE,
    "motivation": "Projet cohérent, bonne implication des professionnels libéraux.",
}


def _seed_lifecycle(seeded) -> None:
    """The lifecycle records behind each demo project's state (letters, answers, deposit)."""
    users, projects = seeded["users"], seeded["projects"]
    for slug, answered_by in ANSWERED_BY.items():
        _seed_intention(projects[slug], answered_by, users)
    # The Uzège deposit was received 40 days ago: its review is running.
    deposit, created = deposit_ensure(
        projects["uzege-pont-du-gard"],
        received=timezone.localdate() - dt.timedelta(days=40),
        by=users["thomas.lefevre"],
    )
    if created:
        Avis.objects.filter(deposit=deposit, body="URPS").update(
            **URPS_AVIS, submitted_at=timezone.now(), submitted_by=users["pierre.blanc"]
        )
    for slug, events in TIMELINES.items():
        timeline_ensure(
            projects[slug], [(action, label, users[actor]) for action, label, actor in events]
        )


def _seed_intention(project, answered_by: dict[str, str], users) -> None:
    """The intention letter of `project` (round 1) and the answers of the bodies."""
    letter, _ = IntentionLetter.objects.update_or_create(
        project=project,
        defaults={
            **LETTER,
            **OWN_LETTER.get(project.slug, {}),  # each letter describes its own CPTS
            "porteur": LETTER["porteur"]
            if project.slug == "pic-saint-loup"
            else project.organisation.name,
            "round": 1,
            "submitted_at": project.submitted_at,
        },
    )
    for body, user in answered_by.items():
        IntentionAnswer.objects.get_or_create(
            letter=letter,
            round=1,
            body=body,
            defaults={
                "answer": IntentionAnswer.Answer.VALIDATED,
                "comment": ARS_COMMENT if body == "ARS_DD" else "",
                "by": users[user],
            },
        )
