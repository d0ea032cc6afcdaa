"""Phase 1: each project's association (an organisation), its five accounts and the project."""

from __future__ import annotations

from accounts.models import Membership, Organisation, User
from projects.models import STAGE_OF_STATE, Project

from .batch import Batch, Cpts, aware
from .plan import SUBMITTED, person_name

Role = Membership.Role

# The accounts of each association: (e-mail local part, role, profession).
STAFF = [
    ("coordination", Role.COORDINATOR, "Coordinateur(rice) de CPTS"),
    ("bureau", Role.BUREAU, "Médecin généraliste"),
    ("pilote1", Role.PILOT, "Infirmier(e)"),
    ("pilote2", Role.PILOT, "Pharmacien(ne)"),
    ("membre", Role.MEMBER, "Masseur-kinésithérapeute"),
]


def build(batch: Batch) -> None:
    for cpts in batch.cpts:
        _association_and_accounts(batch, cpts)
    batch.rows.flush(Organisation, User)
    for cpts in batch.cpts:
        _memberships_and_project(batch, cpts)
    batch.rows.flush(Membership, Project)


def _association_and_accounts(batch: Batch, cpts: Cpts) -> None:
    spec = cpts.spec
    cpts.organisation = batch.rows.add(
        Organisation(
            slug=f"cpts-{spec.slug}",
            name=f"Association {spec.name}",
            kind=Organisation.Kind.CPTS,
            scope=Organisation.Scope.DEPARTEMENTS,
        )
    )
    for k, (local, _, profession) in enumerate(STAFF):
        first, last = person_name(spec.index * 5 + k)
        cpts.staff[local] = batch.rows.add(
            User(
                email=f"{local}.{spec.slug}@{batch.domain}",
                first_name=first,
                last_name=last,
                profession=profession,
                password=batch.ctx.password_hash,
            )
        )


def _memberships_and_project(batch: Batch, cpts: Cpts) -> None:
    spec = cpts.spec
    for local, role, _ in STAFF:
        batch.rows.add(
            Membership(
                user=cpts.staff[local],
                organisation=cpts.organisation,
                role=role,
                is_manager=role == Role.COORDINATOR,
            )
        )
    cpts.project = batch.rows.add(
        Project(
            organisation=cpts.organisation,
            name=spec.name,
            slug=spec.slug,
            state=spec.state,
            stage=STAGE_OF_STATE[spec.state],
            submitted_at=aware(cpts.dates.letter) if spec.state in SUBMITTED else None,
        )
    )
