"""The entry points: seed N projects, or one project of a given size; describe the spread."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from funding.data import aci_2019
from funding.models import Bareme, BaremeLine
from geo import services as geo_services
from geo.models import Region
from missions.catalogue import catalogue_ensure
from missions.models import Mission
from projects.models import Project, State

from . import association, budget, fiches, people, review, territory
from .batch import Context, FundingCache, plan_batch
from .bodies import ensure_review_bodies
from .plan import (
    FICHES,
    PREFIX,
    Spec,
    make_spec,
    project_slug,
    scale_departements,
    scale_projects,
    territory_pool,
)
from .reset import scale_reset

PROJECTS_PER_TRANSACTION = 25
# The builders of a batch, in the order of the foreign keys between their rows.
PHASES = [
    people.build,  # associations, accounts, projects
    territory.build,  # territories, diagnostics
    review.build,  # letters, deposits, avis, decisions, contracts, timelines
    fiches.build,  # fiches-actions, their rows and results
    association.build,  # governance
    budget.build,  # budgets, grants, dialogues, payments
]


def build_batch(specs: list[Spec], ctx: Context) -> None:
    """Write the projects of `specs`, phase by phase: a fixed number of queries."""
    batch = plan_batch(specs, ctx)
    for build in PHASES:
        build(batch)
    ctx.counts["projects"] += len(batch.cpts)
    ctx.counts["fiches"] += sum(len(c.fiches) for c in batch.cpts)
    ctx.counts["indicators"] += sum(len(c.indicators) for c in batch.cpts)
    ctx.counts["members"] += sum(len(c.members) for c in batch.cpts)


def _prepare(prefix: str, password: str | None):
    """Referential, catalogue and barème present; the reviewer bodies; what every batch uses."""
    if not geo_services.referential_is_loaded():
        geo_services.referential_load()
    catalogue_ensure()
    aci_2019.install(Bareme, BaremeLine)
    departements = scale_departements()
    if not departements:
        raise RuntimeError("no département with communes: run `manage.py load_referential`")
    password_hash = make_password(password or settings.DEMO_PASSWORD)
    with transaction.atomic():
        reviewers = ensure_review_bodies(prefix, departements, password_hash)
    ctx = Context(
        prefix=prefix,
        today=timezone.localdate(),
        now=timezone.now(),
        password_hash=password_hash,
        reviewers=reviewers,
        missions={m.code: m for m in Mission.objects.order_by("order")},
        funding=FundingCache(),
    )
    return departements, territory_pool(departements), ctx


def seed_scale(
    count: int,
    *,
    prefix: str = PREFIX,
    reset: bool = False,
    password: str | None = None,
    log: Callable[[str], None] = lambda text: None,
) -> dict:
    """Make projects `<prefix>-0001` to `<prefix>-<count>` exist (adding only the missing
    ones). Returns what was created: {"created", "total", "projects", "fiches", …}."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,30}", prefix):
        raise ValueError("the prefix is a short lowercase slug")
    if reset:
        scale_reset(prefix, log=log)
    departements, pools, ctx = _prepare(prefix, password)
    existing = set(scale_projects(prefix).values_list("slug", flat=True))
    missing = [i for i in range(1, count + 1) if project_slug(i, prefix) not in existing]
    log(
        f"{len(existing)} projects of prefix {prefix!r} present, {len(missing)} to create "
        f"over {len(departements)} départements"
    )
    for start in range(0, len(missing), PROJECTS_PER_TRANSACTION):
        chunk = missing[start : start + PROJECTS_PER_TRANSACTION]
        specs = [make_spec(i, departements, pools, prefix=prefix) for i in chunk]
        with transaction.atomic():
            build_batch(specs, ctx)
        log(f"  {start + len(chunk)}/{len(missing)} created (up to {specs[-1].slug})")
    if missing:
        _analyze()
    return {
        "created": len(missing),
        "total": scale_projects(prefix).count(),
        **dict(ctx.counts),
    }


def seed_project(
    slug: str,
    *,
    index: int = 1,
    fiches: int = FICHES,
    state: str = State.CONTRACTED,
    prefix: str = PREFIX,
    password: str | None = None,
) -> Project:
    """One project with exactly `fiches` fiches-actions (e.g. the 40 of the PDF benchmark),
    shaped like project number `index`; created once, found again afterwards."""
    project = Project.objects.filter(slug=slug).first()
    if project is not None:
        return project
    departements, pools, ctx = _prepare(prefix, password)
    spec = make_spec(
        index, departements, pools, prefix=prefix, slug=slug, state=state, fiches=fiches
    )
    with transaction.atomic():
        build_batch([spec], ctx)
    _analyze()
    return Project.objects.get(slug=slug)


def _analyze() -> None:
    """Refresh PostgreSQL's statistics after a bulk load: until autovacuum gets to the new
    rows, the planner takes the tables for small and scans them whole (the missions overview
    at 1 500 CPTS took 2.8 times longer before this)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def describe(prefix: str = PREFIX) -> dict:
    """How the scale projects spread: per state and per département (for the command's
    summary and the tests)."""
    queryset = scale_projects(prefix)
    states = dict(queryset.values_list("state").annotate(n=Count("pk")).order_by())
    departements = (
        Project.departements.through.objects.filter(project__in=queryset)
        .values("departement_id")
        .distinct()
        .count()
    )
    regions = Region.objects.filter(departements__projects__in=queryset).distinct().count()
    return {"states": states, "departements": departements, "regions": regions}
