"""Demo data: three CPTS of Occitanie at different stages, their reviewers, one account per role.

Idempotent: every object is found by its natural key (slug, e-mail) and brought back to the
demo state, so running it twice leaves the same data.
"""

import datetime as dt
import importlib
import importlib.util

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_EMAIL_DOMAIN
from accounts.models import Membership, Organisation, User
from geo import services as geo_services
from geo.models import Departement, Region

from .models import Project

Kind = Organisation.Kind
Scope = Organisation.Scope
Role = Membership.Role
Stage = Project.Stage

REGION = "76"  # Occitanie
# Domain apps whose demo data is seeded after the core, in this order.
DEMO_APPS = ["diagnostics", "funding", "missions", "governance"]

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
    ("urps-occitanie", "Inter URPS Occitanie", Kind.URPS, Scope.REGION, []),
    ("ars-occitanie", "ARS Occitanie — siège", Kind.ARS_SIEGE, Scope.REGION, []),
]

PROJECTS = [
    # slug, name, organisation, stage, départements, submitted on
    (
        "pic-saint-loup",
        "CPTS du Pic Saint-Loup",
        "cpts-pic-saint-loup",
        Stage.REDACTION,
        ["34"],
        dt.date(2026, 3, 12),
    ),
    (
        "uzege-pont-du-gard",
        "CPTS Uzège – Pont du Gard",
        "cpts-uzege-pont-du-gard",
        Stage.INSTRUCTION,
        ["30"],
        dt.date(2026, 1, 20),
    ),
    (
        "lodevois-larzac",
        "CPTS Lodévois et Larzac",
        "cpts-lodevois-larzac",
        Stage.INITIATIVE,
        ["34"],
        None,
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
    for slug, name, org_slug, stage, codes, submitted_on in PROJECTS:
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
                "stage": stage,
                "submitted_at": submitted_at,
            },
        )
        project.departements.set(Departement.objects.filter(code__in=codes))
        projects[slug] = project

    users = {}
    for local_part, first_name, last_name, profession, org_slug, role in PEOPLE:
        user = _user(local_part, first_name, last_name, profession, password=password)
        Membership.objects.update_or_create(
            user=user, organisation=organisations[org_slug], defaults={"role": role}
        )
        users[local_part] = user
    local_part, first_name, last_name = ADMIN
    users[local_part] = _user(local_part, first_name, last_name, password=password, superuser=True)
    seeded = {"organisations": organisations, "projects": projects, "users": users}
    # Each domain app adds its own demo records (territory, fiches, budget, governance…)
    # through a `demo.seed(seeded)` function; the root imports none of them statically.
    for app in DEMO_APPS:
        if importlib.util.find_spec(f"{app}.demo") is not None:
            importlib.import_module(f"{app}.demo").seed(seeded)
    return seeded
