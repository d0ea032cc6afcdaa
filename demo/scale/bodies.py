"""The review bodies of the scale data: one DD ARS (reviewer, decider) and one CPAM (reviewer)
per département, one ARS siège (analyst) and one Inter URPS (reviewer) per region, one
national analyst."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Membership, Organisation, User
from geo.models import Departement, Region
from projects.models import Project

from .plan import PREFIX, email_domain, person_name
from .rows import ROWS_PER_INSERT

Kind = Organisation.Kind
Scope = Organisation.Scope
Role = Membership.Role


@dataclass(frozen=True)
class BodySpec:
    slug: str
    name: str
    kind: str
    scope: str
    region: Region | None
    departements: list[Departement]
    staff: list[tuple[str, str]]  # (e-mail local part, role)


@dataclass(frozen=True)
class Reviewers:
    """Who reviews the projects of one département."""

    reviewer: User  # DD ARS
    decider: User  # DD ARS
    cpam: User
    urps: User  # of the region


def _body_slug(prefix: str, kind: str, code: str) -> str:
    return f"{prefix}-{kind}-{code.lower()}"


def review_accounts(project: Project, *, prefix: str = PREFIX) -> dict[str, User]:
    """The accounts of the scale data that see `project` in their role: its coordinator,
    bureau member and pilot, the DD ARS reviewer and decider of its (first) département,
    the analyst of its region and the national analyst. For the benchmark and the tests."""
    domain = email_domain(prefix)
    departement = project.departements.order_by("code").select_related("region").first()
    code = departement.code.lower() if departement else ""
    region = departement.region_id if departement else ""
    emails = {
        "coordinator": f"coordination.{project.slug}@{domain}",
        "bureau": f"bureau.{project.slug}@{domain}",
        "pilot": f"pilote1.{project.slug}@{domain}",
        "reviewer": f"instructeur.ars-dd-{code}@{domain}",
        "decider": f"decideur.ars-dd-{code}@{domain}",
        "analyst_region": f"analyste.ars-{region}@{domain}",
        "analyst_national": f"analyste.national@{domain}",
    }
    users = User.objects.in_bulk(list(emails.values()), field_name="email")
    return {role: users[email] for role, email in emails.items() if email in users}


def _bodies(prefix: str, departements) -> list[BodySpec]:
    bodies = []
    for d in departements:
        code = d.code.lower()
        bodies.append(
            BodySpec(
                slug=_body_slug(prefix, "ars-dd", d.code),
                name=f"ARS {d.region.name} — délégation départementale {d.name} ({d.code})",
                kind=Kind.ARS_DD,
                scope=Scope.DEPARTEMENTS,
                region=d.region,
                departements=[d],
                staff=[
                    (f"instructeur.ars-dd-{code}", Role.REVIEWER),
                    (f"decideur.ars-dd-{code}", Role.DECIDER),
                ],
            )
        )
        bodies.append(
            BodySpec(
                slug=_body_slug(prefix, "cpam", d.code),
                name=f"CPAM {d.name} ({d.code})",
                kind=Kind.CPAM,
                scope=Scope.DEPARTEMENTS,
                region=None,
                departements=[d],
                staff=[(f"instructeur.cpam-{code}", Role.REVIEWER)],
            )
        )
    regions = {d.region_id: d.region for d in departements}
    for code, region in sorted(regions.items()):
        bodies.append(
            BodySpec(
                slug=_body_slug(prefix, "ars", code),
                name=f"ARS {region.name} — siège",
                kind=Kind.ARS_SIEGE,
                scope=Scope.REGION,
                region=region,
                departements=[],
                staff=[(f"analyste.ars-{code.lower()}", Role.ANALYST)],
            )
        )
        bodies.append(
            BodySpec(
                slug=_body_slug(prefix, "urps", code),
                name=f"Inter URPS {region.name}",
                kind=Kind.URPS,
                scope=Scope.REGION,
                region=region,
                departements=[],
                staff=[(f"instructeur.urps-{code.lower()}", Role.REVIEWER)],
            )
        )
    bodies.append(
        BodySpec(
            slug=f"{prefix}-national",
            name="Observatoire national des CPTS",
            kind=Kind.OTHER,
            scope=Scope.NATIONAL,
            region=None,
            departements=[],
            staff=[("analyste.national", Role.ANALYST)],
        )
    )
    return bodies


def ensure_review_bodies(prefix: str, departements, password_hash: str) -> dict[str, Reviewers]:
    """The review bodies and their accounts (idempotent); returns who reviews the projects of
    each département, by code."""
    domain = email_domain(prefix)
    bodies = _bodies(prefix, departements)
    Organisation.objects.bulk_create(
        [
            Organisation(slug=b.slug, name=b.name, kind=b.kind, scope=b.scope, region=b.region)
            for b in bodies
        ],
        ignore_conflicts=True,
        batch_size=ROWS_PER_INSERT,
    )
    organisations = Organisation.objects.in_bulk([b.slug for b in bodies], field_name="slug")
    through = Organisation.departements.through
    through.objects.bulk_create(
        [
            through(organisation_id=organisations[b.slug].pk, departement_id=d.code)
            for b in bodies
            for d in b.departements
        ],
        ignore_conflicts=True,
        batch_size=ROWS_PER_INSERT,
    )
    people = [  # (e-mail, body slug, role, body number)
        (f"{local}@{domain}", b.slug, role, n)
        for n, b in enumerate(bodies)
        for local, role in b.staff
    ]
    User.objects.bulk_create(
        [
            User(
                email=email,
                first_name=first,
                last_name=last,
                profession="Chargé(e) de mission" if role != Role.DECIDER else "Délégué(e)",
                password=password_hash,
            )
            for email, _, role, n in people
            for first, last in [person_name(1000 + n * 3 + len(role))]
        ],
        ignore_conflicts=True,
        batch_size=ROWS_PER_INSERT,
    )
    users = User.objects.in_bulk([p[0] for p in people], field_name="email")
    Membership.objects.bulk_create(
        [
            Membership(
                user=users[email],
                organisation=organisations[slug],
                role=role,
                is_manager=role != Role.DECIDER,
            )
            for email, slug, role, _ in people
        ],
        ignore_conflicts=True,
        batch_size=ROWS_PER_INSERT,
    )
    return {
        d.code: Reviewers(
            reviewer=users[f"instructeur.ars-dd-{d.code.lower()}@{domain}"],
            decider=users[f"decideur.ars-dd-{d.code.lower()}@{domain}"],
            cpam=users[f"instructeur.cpam-{d.code.lower()}@{domain}"],
            urps=users[f"instructeur.urps-{d.region_id.lower()}@{domain}"],
        )
        for d in departements
    }
