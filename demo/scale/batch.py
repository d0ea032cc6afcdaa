"""What the builders of a batch share: the run's context, and per project of the batch its
spec, what follows from it and the rows made for it so far."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Organisation, User
from diagnostics.models import DiagnosticSection, Need, Territory
from funding import calculator
from funding.models import Bareme, Budget
from governance.models import Instance, Meeting, Member
from missions.models import Fiche, Indicator, Mission
from projects.models import Deposit, IntentionLetter, Project

from .bodies import Reviewers
from .plan import Dates, Spec, email_domain, project_dates
from .rows import Rows


class FundingCache:
    """The ACI funding of a year per (barème, size tier, missions, SNP service): computed once
    for every project that shares them. The barème is the one in force at the signature."""

    def __init__(self):
        self.baremes = list(Bareme.objects.order_by("-effective_date"))
        self.cache = {}

    def bareme_on(self, day: dt.date | None) -> str:
        for bareme in self.baremes:
            if day is None or bareme.effective_date <= day:
                return bareme.name
        return self.baremes[-1].name if self.baremes else ""

    def __call__(self, population: int, missions: list[str], snp: bool, on: dt.date | None):
        bareme = self.bareme_on(on)
        key = (bareme, calculator.size_tier(population), tuple(missions), snp)
        if key not in self.cache:
            self.cache[key] = calculator.annual_funding(
                population=population, missions=missions, snp_orientation=snp, bareme=bareme
            )
        return self.cache[key]


@dataclass
class Context:
    """What every batch of a run uses."""

    prefix: str
    today: dt.date
    now: dt.datetime
    password_hash: str
    reviewers: dict[str, Reviewers]  # by département code
    missions: dict[str, Mission]  # by code, in the catalogue's order
    funding: FundingCache
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@dataclass
class Cpts:
    """One project of a batch: its spec, what follows from it, and the rows the builders
    made for it (each phase fills its own; the later ones read them)."""

    spec: Spec
    dates: Dates
    population: int
    funded_missions: list[str]
    snp: bool
    funding: calculator.Funding  # the ACI funding of a year, under its budget's terms
    reviewers: Reviewers
    # Accounts and project.
    organisation: Organisation | None = None
    staff: dict[str, User] = field(default_factory=dict)  # by e-mail local part
    project: Project | None = None
    # Territory and diagnostic.
    territory: Territory | None = None
    sections: list[DiagnosticSection] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    # Lifecycle.
    letter: IntentionLetter | None = None
    deposit: Deposit | None = None
    # Fiches-actions.
    fiches: list[Fiche] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    # Governance.
    instances: dict[str, Instance] = field(default_factory=dict)  # by kind
    members: list[Member] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    # Funding.
    budget: Budget | None = None

    @property
    def coordinator(self) -> User:
        return self.staff["coordination"]


@dataclass
class Batch:
    ctx: Context
    rows: Rows
    cpts: list[Cpts]

    @property
    def today(self) -> dt.date:
        return self.ctx.today

    @property
    def domain(self) -> str:
        return email_domain(self.ctx.prefix)


def plan_batch(specs: list[Spec], ctx: Context) -> Batch:
    cpts = []
    for spec in specs:
        dates = project_dates(spec, ctx.today)
        population, missions, snp = spec.population, spec.funded_missions, spec.snp
        cpts.append(
            Cpts(
                spec=spec,
                dates=dates,
                population=population,
                funded_missions=missions,
                snp=snp,
                funding=ctx.funding(population, missions, snp, dates.signature),
                reviewers=ctx.reviewers[spec.departement.code],
            )
        )
    return Batch(ctx=ctx, rows=Rows(ctx.now), cpts=cpts)


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
