"""The yearly follow-up of an ACI contract (flow layer): for each contract year, the
dialogue de gestion between the CPTS, the CPAM and the ARS — the indicator results per
mission, the attainment rates agreed, the variable funding due, the payments, the minutes,
and the sign-off of the three parties.

Decided here: the CPTS's coordinator and the reviewers of the DD ARS and the CPAM in scope
prepare the dialogue; a coordinator or a bureau member signs for the CPTS, a reviewer of the
CPAM for the CPAM, a reviewer of the DD ARS for the ARS. Once one party has signed, the
content is locked (a signature may be withdrawn until the third one); payments are recorded
by the CPAM, which pays.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation
from cpts_portal.lib import outbox
from cpts_portal.lib.dates import add_months
from cpts_portal.lib.numbers import euros
from cpts_portal.lib.versioning import save_versioned, upsert_versioned
from funding import calculator
from funding.budget import budget_population
from funding.calculator import BALANCE_DELAY_MONTHS
from funding.models import Budget
from funding.socle import applicable_bareme
from geo.population import size_tier
from missions import deadlines as missions_deadlines
from missions.models import Indicator, IndicatorResult
from missions.results import attainment, mission_attainment, result_indicators
from projects.access import ProjectAccess
from projects.models import AnnualDialogue, Contract, ContractPayment, Project, ProjectEvent

from .models import ContractFact, ContractYearBasis
from .notifications import notify_event_task

Party = AnnualDialogue.Party
YEARS = range(1, Contract.YEARS + 1)
# The half-years (1, 3, 5, …) that end with an indicator review: the even ones fall on the
# yearly dialogue.
REVIEW_HALVES = [half for half in range(1, 2 * Contract.YEARS + 1) if half % 2]
Fact = ContractFact.Kind


class FollowUpError(Exception):
    """An action refused, with the reason in French."""


# --- Who may do what ------------------------------------------------------------------------


def parties_of(grant: ProjectAccess) -> list[str]:
    """The parties this user may sign for."""
    parties = []
    if grant.cpts_role in (Membership.Role.COORDINATOR, Membership.Role.BUREAU):
        parties.append(Party.CPTS)
    if Organisation.Kind.CPAM in grant.review_kinds:
        parties.append(Party.CPAM)
    if Organisation.Kind.ARS_DD in grant.review_kinds:
        parties.append(Party.ARS)
    return parties


def may_prepare(grant: ProjectAccess) -> bool:
    return grant.cpts_role == Membership.Role.COORDINATOR or bool(
        {Organisation.Kind.CPAM, Organisation.Kind.ARS_DD} & grant.review_kinds
    )


def may_declare(grant: ProjectAccess, kind: str) -> bool:
    """The CPTS (coordinator or bureau) declares its missions' start and full deployment; any
    party records that an indicator review was held."""
    if kind == Fact.INDICATOR_REVIEW:
        return bool(parties_of(grant))
    return Party.CPTS in parties_of(grant)


def may_record_payment(grant: ProjectAccess) -> bool:
    """The CPAM pays, so the CPAM records (README, "Rules decided by the portal"): an
    administrator reads the payments and records one only as a member of that CPAM."""
    return Organisation.Kind.CPAM in grant.review_kinds


# --- What the pages show --------------------------------------------------------------------


@dataclass
class FundingBasis:
    """What a contract year's funding is computed on."""

    population: int
    missions: list[str]  # funding codes (funding.models.Mission)
    snp_orientation: bool
    tier: int | None = None
    bareme: str = ""  # "" : the contract's
    taken_on: dt.date | None = None  # None: read from the live budget, not frozen
    from_year: int | None = None  # the contract year whose figures these are

    @property
    def mission_names(self) -> list[str]:
        labels = calculator.mission_labels()
        return [labels.get(code, code) for code in self.missions]


def funding_basis(project: Project) -> FundingBasis | None:
    """The population and missions of the project's budget today (live, not frozen)."""

    budget = Budget.objects.filter(project=project).first()
    if budget is None:
        return None
    budget.project = project  # budget_population reads the territory through it: no query
    population, _ = budget_population(budget)
    if not population:
        return None
    return FundingBasis(
        population=population,
        missions=list(budget.missions),
        snp_orientation=budget.snp_orientation,
        tier=size_tier(population),
    )


def _stored(row: ContractYearBasis) -> FundingBasis:
    return FundingBasis(
        population=row.population,
        missions=list(row.missions),
        snp_orientation=row.snp_orientation,
        tier=row.tier,
        bareme=row.bareme,
        taken_on=row.taken_on,
        from_year=row.year,
    )


def year_bases(project: Project) -> dict[int, FundingBasis | None]:
    """Contract year -> its basis (one query, two without any frozen basis): the row of the
    year, else the one of the year before (a size change applies only from the year whose
    dialogue adopts it). A contract recorded before the bases were kept reads the budget."""

    rows = {row.year: row for row in ContractYearBasis.objects.filter(project=project)}
    if not rows:
        live = funding_basis(project)
        return {year: live for year in YEARS}
    bases, current = {}, None
    for year in YEARS:
        if year in rows:
            current = _stored(rows[year])
        bases[year] = current
    return bases


def basis_freeze(project: Project, contract: Contract, *, by=None) -> ContractYearBasis | None:
    """Keeps the figures of the budget as the basis of the contract from year 1 (at the
    contract's start); None when the budget cannot give them. Idempotent."""

    basis = funding_basis(project)
    if basis is None:
        return None
    row, _ = ContractYearBasis.objects.get_or_create(
        project=project,
        year=1,
        defaults={
            "population": basis.population,
            "tier": basis.tier,
            "bareme": contract.bareme,
            "missions": basis.missions,
            "snp_orientation": basis.snp_orientation,
            "taken_on": contract.signature_date,
            "taken_by": by,
        },
    )
    return row


def basis_adopt(*, project: Project, contract: Contract, year: int, by) -> ContractYearBasis:
    """The dialogue of `year` agrees the budget's current figures (a change of size, of the
    missions) from `year` on; never for a year whose dialogue a party has signed, nor for a
    year that follows it."""

    basis = funding_basis(project)
    if basis is None:
        raise FollowUpError(
            "Le budget du projet (population et missions financées) est nécessaire."
        )
    with transaction.atomic():
        locked = [
            d.year
            for d in AnnualDialogue.objects.select_for_update().filter(
                project=project, year__gte=year
            )
            if d.is_locked
        ]
        if locked:
            raise FollowUpError(
                f"Le dialogue de l'année {min(locked)} a été signé : les chiffres de cette "
                "année ne changent plus. Actualisez la base à partir de l'année qui suit."
            )
        row, _ = ContractYearBasis.objects.update_or_create(
            project=project,
            year=year,
            defaults={
                "population": basis.population,
                "tier": basis.tier,
                "bareme": contract.bareme,
                "missions": basis.missions,
                "snp_orientation": basis.snp_orientation,
                "taken_on": timezone.localdate(),
                "taken_by": by,
            },
        )
        _event(
            project,
            "basis_adopt",
            f"Base de financement actualisée à partir de l'année {year} du contrat",
            by,
            comment=f"{basis.population} habitants, strate {basis.tier}",
        )
    return row


def committed_amount(project: Project, signature_date: dt.date) -> Decimal | None:
    """The ACI funding of a regular contract year at full attainment (None without a budget)."""

    basis = funding_basis(project)
    if basis is None:
        return None
    try:
        return calculator.annual_funding(
            population=basis.population,
            missions=basis.missions,
            snp_orientation=basis.snp_orientation,
            on=signature_date,
        ).total
    except calculator.FundingError:
        return None


def contract_bareme(contract: Contract, name: str = ""):
    """The barème `name`, else the contract's (its lines loaded), or None when none is found."""

    try:
        return calculator.get_bareme(name or contract.bareme or None, on=contract.signature_date)
    except calculator.FundingError:
        return None


def bareme_reader(project: Project, contract: Contract):
    """`read(name)`: the barème `name` ("": the contract's) with its lines, or None when none is
    found (as `contract_bareme`), each read at most once. The one in force at the signature is
    the project's applicable barème (funding.socle), which the missions' deadlines read too:
    read once for both."""
    read = {}

    def load(name: str):
        try:
            applicable = applicable_bareme(project, contract=contract)  # kept on the project
        except calculator.FundingError:
            applicable = None
        if not name or (applicable is not None and applicable.name == name):
            return applicable
        return contract_bareme(contract, name)

    def reader(name: str = ""):
        name = name or contract.bareme
        if name not in read:
            read[name] = load(name)
        return read[name]

    return reader


def year_dates(contract: Contract, year: int) -> dict:
    start, end = contract.year_period(year)
    anniversary = end + dt.timedelta(days=1)
    return {
        "number": year,
        "start": start,
        "end": end,
        "dialogue_due": anniversary,  # held at the anniversary, as lifecycle.filters counts
        "balance_due": add_months(anniversary, BALANCE_DELAY_MONTHS),
    }


def measured_rates(project: Project, year: int) -> tuple[dict, dict]:
    """(funding code -> measured attainment 0..1 or None, funding code -> its indicators).
    Missions sharing a funding line (1a and 1b: access to care) are measured together."""

    indicators = result_indicators(project, year)
    rates = mission_attainment(indicators, key=lambda i: i.fiche.mission.funding_code)
    listed = defaultdict(list)
    for indicator in indicators:
        listed[indicator.fiche.mission.funding_code].append(indicator)
    return rates, listed


# Each contract year's own target of an indicator (Indicator.target_for).
_YEAR_TARGETS = [f"target_year_{year}" for year in range(1, IndicatorResult.YEARS + 1)]


def yearly_measured_rates(project: Project) -> dict[int, dict]:
    """Contract year -> the rates `measured_rates` gives for that year (funding code ->
    measured attainment 0..1 or None), for the five years in one query (the indicators
    retained for the variable funding, each joined to its results); missions.results
    computes them."""
    rows = (
        Indicator.objects.filter(fiche__project=project, drives_funding=True)
        .order_by("fiche__mission__order", "fiche__number", "position")
        .values_list(
            "pk", "fiche__mission__funding_code", "baseline", "target", "weight",
            *_YEAR_TARGETS, "results__year", "results__value",
        )
    )  # fmt: skip
    indicators, codes, values = {}, {}, defaultdict(dict)
    for pk, code, baseline, target, weight, *targets, year, value in rows:
        if pk not in indicators:
            indicators[pk] = Indicator(
                pk=pk, baseline=baseline, target=target, weight=weight, drives_funding=True,
                **dict(zip(_YEAR_TARGETS, targets, strict=True)),
            )  # fmt: skip
            codes[pk] = code
        if year is not None:
            values[pk][year] = value
    rates = {}
    for year in YEARS:
        for pk, indicator in indicators.items():
            indicator.rate = attainment(indicator, values[pk].get(year), year)
        rates[year] = mission_attainment(list(indicators.values()), key=lambda i: codes[i.pk])
    return rates


@dataclass
class Due:
    """One payment of the schedule and what the CPAM recorded against it."""

    expected: object  # funding.calculator.Payment
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(self.expected.amount - self.paid, Decimal(0))

    @property
    def done(self) -> bool:
        return self.paid > 0 and self.remaining == 0


@dataclass
class YearView:
    dates: dict
    dialogue: AnnualDialogue | None
    payments: list[ContractPayment] = field(default_factory=list)
    expected: list = field(default_factory=list)  # funding.calculator.Payment of the year
    funding: object = None  # funding.calculator.Funding with the agreed rates
    missions: list[dict] = field(default_factory=list)
    basis: FundingBasis | None = None
    unknown: list[str] = field(default_factory=list)  # missions estimated without a rate

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))

    @property
    def expected_total(self) -> Decimal:
        return sum((p.amount for p in self.expected), Decimal(0))

    @cached_property
    def dues(self) -> list[Due]:
        """The year's payments of the schedule, each with what was paid for it: the one
        source of the balance due (follow-up pages, dashboard, PDF). Read once the view is
        built (`year_view`)."""
        paid = defaultdict(Decimal)
        for payment in self.payments:
            paid[payment.kind] += payment.amount
        return [Due(expected=p, paid=paid[p.kind]) for p in self.expected]

    @property
    def remaining(self) -> Decimal:
        return sum((due.remaining for due in self.dues), Decimal(0))

    @cached_property
    def status(self) -> str:
        if self.dialogue and self.dialogue.is_signed:
            return "signé"
        if self.dialogue and self.dialogue.is_locked:
            return "en signature"
        if self.dialogue:
            return "en préparation"
        return "à venir" if self.dates["end"] >= timezone.localdate() else "à tenir"


def agreed_rates(dialogue: AnnualDialogue | None) -> dict[str, Decimal]:
    """Funding code -> agreed attainment (0..1) recorded in the dialogue."""
    if dialogue is None:
        return {}
    return {code: Decimal(str(value)) / 100 for code, value in dialogue.attainment.items()}


def year_view(
    project: Project,
    contract: Contract,
    year: int,
    *,
    dialogue: AnnualDialogue | None,
    payments: list[ContractPayment],
    basis: FundingBasis | None,
    bareme,
    measured: dict | None = None,
    with_missions: bool = False,
) -> YearView:
    """A contract year. Its estimate takes each mission's agreed rate, else its measured one,
    else 100 % (the rate is then unknown, and the page says so).

    `bareme`: the basis's barème (None: not found); `measured`: the year's measured rates
    when the caller read them (`yearly_measured_rates`), else read here."""
    view = YearView(
        dates=year_dates(contract, year), dialogue=dialogue, payments=payments, basis=basis
    )
    if basis is None or bareme is None:
        return view
    labels = calculator.mission_labels()
    indicators = {}
    if measured is None or with_missions:
        measured, indicators = measured_rates(project, year)
    agreed = agreed_rates(dialogue)
    rates = {}
    for code in basis.missions:
        rate = agreed.get(code)
        if rate is None:
            rate = measured.get(code)
        if rate is None:
            view.unknown.append(labels.get(code, code))
            rate = Decimal(1)
        rates[code] = rate
    try:
        view.funding = calculator.annual_funding(
            population=basis.population,
            missions=basis.missions,
            snp_orientation=basis.snp_orientation,
            attainment=rates,
            bareme=bareme,
            contract_year=year,
        )
    except calculator.FundingError:
        return view
    view.expected = calculator.year_payments(
        view.funding, signature_date=contract.signature_date, year=year
    )
    if with_missions:
        for code in basis.missions:
            variable = [
                line for line in view.funding.lines if line.mission == code and line.is_variable
            ]
            view.missions.append(
                {
                    "code": code,
                    "label": labels.get(code, code),
                    "measured": measured.get(code),
                    "agreed": agreed.get(code),
                    "unknown": agreed.get(code) is None and measured.get(code) is None,
                    "indicators": indicators.get(code, []),
                    "variable_base": sum((line.base for line in variable), Decimal(0)),
                    "variable_due": sum((line.amount for line in variable), Decimal(0)),
                }
            )
    return view


def follow_up(project: Project, contract: Contract | None = None) -> dict:
    """The five contract years of the project (`contract`: its contract when the caller read
    it): each thing read once for the five years, in a fixed number of queries."""
    if contract is None:
        contract = Contract.objects.filter(project=project).first()
    if contract is None:
        return {"contract": None, "years": []}
    dialogues = {d.year: d for d in AnnualDialogue.objects.filter(project=project)}
    payments = defaultdict(list)
    for payment in ContractPayment.objects.filter(project=project):
        payments[payment.year].append(payment)
    bases = year_bases(project)
    bareme = bareme_reader(project, contract)
    baremes = {year: bareme(basis.bareme) if basis else None for year, basis in bases.items()}
    measured = yearly_measured_rates(project) if any(baremes.values()) else {}
    years = [
        year_view(
            project,
            contract,
            year,
            dialogue=dialogues.get(year),
            payments=payments[year],
            basis=bases[year],
            bareme=baremes[year],
            measured=measured.get(year),
        )
        for year in YEARS
    ]
    return {
        "contract": contract,
        "years": years,
        "basis": bases[1],
        "remaining": sum((y.remaining for y in years), Decimal(0)),
    }


def dialogue_view(project: Project, contract: Contract, year: int) -> YearView:
    basis = year_bases(project)[year]
    return year_view(
        project,
        contract,
        year,
        dialogue=AnnualDialogue.objects.filter(project=project, year=year)
        .select_related("cpts_signed_by", "cpam_signed_by", "ars_signed_by", "updated_by")
        .first(),
        payments=list(ContractPayment.objects.filter(project=project, year=year)),
        basis=basis,
        bareme=contract_bareme(contract, basis.bareme) if basis else None,
        with_missions=True,
    )


@dataclass
class FactRow:
    kind: str
    ref: str
    label: str
    due: dt.date
    fact: ContractFact | None

    @property
    def late(self) -> bool:
        return self.fact is None and self.due < timezone.localdate()


def fact_rows(project: Project, contract: Contract) -> list[FactRow]:
    """The deadlines a declared fact closes (missions' start and full deployment, indicator
    reviews), each with its fact when recorded (a fixed number of queries)."""
    facts = {(f.kind, f.ref): f for f in ContractFact.objects.filter(project=project)}
    start = contract.signature_date
    rows = [
        FactRow(item.kind, item.ref, item.label, item.date, facts.get((item.kind, item.ref)))
        for item in missions_deadlines.deadlines(project, signature_date=start)
    ]
    rows += [
        FactRow(
            Fact.INDICATOR_REVIEW,
            str(half),
            f"Revue des indicateurs (semestre {half} du contrat)",
            add_months(start, 6 * half),
            facts.get((Fact.INDICATOR_REVIEW, str(half))),
        )
        for half in REVIEW_HALVES
    ]
    return sorted(rows, key=lambda row: (row.due, row.label))


# --- Writes ---------------------------------------------------------------------------------


def _event(project: Project, action: str, label: str, by, comment: str = "") -> None:
    """A timeline entry (no change of state: the project stays under contract)."""
    event = ProjectEvent.objects.create(
        project=project,
        action=action,
        label=label,
        from_state=project.state,
        to_state=project.state,
        actor=by,
        comment=comment,
    )

    outbox.enqueue(notify_event_task, event_id=event.pk)


event = _event  # the contract's signatures use it too (lifecycle.contract)


def _locked_message(dialogue: AnnualDialogue) -> str:
    names = [s["label"] for s in dialogue.signatures if s["at"]]
    return (
        f"Le dialogue de l'année {dialogue.year} a été signé par {' et '.join(names)} : son "
        "contenu ne peut plus être modifié (une signature peut être retirée tant que les trois "
        "parties n'ont pas toutes signé)."
    )


def dialogue_save(*, project: Project, year: int, by, version: int, fields: dict) -> AnnualDialogue:
    """Create or update the dialogue of `year` (`version` 0: none shown yet)."""

    def unlocked(current):
        if current.is_locked:
            raise FollowUpError(_locked_message(current))

    return upsert_versioned(
        AnnualDialogue,
        key={"project": project, "year": year},
        version=version,
        by=by,
        fields=fields,
        check=unlocked,
    )


def signature_fields(record, party: str, by, *, withdraw: bool, what: str) -> dict:
    """The fields a party's signature (or its withdrawal) writes on a record the three parties
    sign (projects.models.SignedByThreeParties: the yearly dialogue, the contract); refuses a
    withdrawal after the third signature, a second signature, a withdrawal of nothing."""
    label = Party(party).label
    if withdraw and record.is_signed:
        raise FollowUpError(
            f"Les trois parties ont signé : {what} est clos et ne peut plus changer."
        )
    if withdraw and not record.signed_at(party):
        raise FollowUpError(f"Aucune signature de {label} à retirer.")
    if not withdraw and record.signed_at(party):
        raise FollowUpError(f"{what[0].upper()}{what[1:]} est déjà signé pour {label}.")
    prefix = party.lower()
    return {
        f"{prefix}_signed_at": None if withdraw else timezone.now(),
        f"{prefix}_signed_by": None if withdraw else by,
    }


def dialogue_sign(*, project: Project, year: int, party: str, by, withdraw: bool = False):
    with transaction.atomic():
        dialogue = (
            AnnualDialogue.objects.select_for_update().filter(project=project, year=year).first()
        )
        if dialogue is None or dialogue.meeting_date is None:
            raise FollowUpError(
                "Indiquez d'abord la date de la réunion du dialogue de gestion, puis signez."
            )
        fields = signature_fields(dialogue, party, by, withdraw=withdraw, what="le dialogue")
        dialogue = save_versioned(
            dialogue,
            version=dialogue.version,  # the row is locked: this is the current version
            by=by,
            fields=fields,
        )
        verb = "signature retirée" if withdraw else "signé"
        what = f"Dialogue de gestion de l'année {year} : {verb} pour {Party(party).label}"
        _event(project, "dialogue_sign", what, by)
        if dialogue.is_signed:
            _event(
                project,
                "dialogue_closed",
                f"Dialogue de gestion de l'année {year} signé par les trois parties",
                by,
            )
    return dialogue


def payment_record(
    *, project: Project, year: int, by, kind: str, paid_on: dt.date, amount, reference=""
) -> ContractPayment:
    with transaction.atomic():
        payment = ContractPayment.objects.create(
            project=project,
            year=year,
            kind=kind,
            paid_on=paid_on,
            amount=amount,
            reference=reference,
            recorded_by=by,
        )
        _event(
            project,
            "payment",
            f"Versement ACI enregistré : {ContractPayment.Kind(kind).label} de l'année {year}",
            by,
            comment=f"{euros(amount)} le {paid_on:%d/%m/%Y}",
        )
    return payment


def fact_record(*, project: Project, by, kind: str, ref: str, happened_on, note="") -> ContractFact:
    """Records (or corrects) the fact that closes a deadline, with a timeline entry that tells
    the CPAM and the ARS."""
    with transaction.atomic():
        fact, _ = ContractFact.objects.update_or_create(
            project=project,
            kind=kind,
            ref=ref,
            defaults={"happened_on": happened_on, "note": note, "recorded_by": by},
        )
        what = Fact(kind).label
        subject = f"semestre {ref}" if kind == Fact.INDICATOR_REVIEW else ref
        _event(
            project,
            "contract_fact",
            f"{what[0].upper()}{what[1:]} ({subject}) le {happened_on:%d/%m/%Y}",
            by,
            comment=note,
        )
    return fact
