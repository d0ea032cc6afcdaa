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
from missions.results import mission_attainment, result_indicators
from projects.access import ProjectAccess
from projects.models import AnnualDialogue, Contract, ContractPayment, Project, ProjectEvent

from .notifications import notify_event_task

Party = AnnualDialogue.Party
YEARS = range(1, Contract.YEARS + 1)


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


def may_record_payment(grant: ProjectAccess) -> bool:
    """The CPAM pays, so the CPAM records (README, "Rules decided by the portal"): an
    administrator reads the payments and records one only as a member of that CPAM."""
    return Organisation.Kind.CPAM in grant.review_kinds


# --- What the pages show --------------------------------------------------------------------


@dataclass
class FundingBasis:
    population: int
    missions: list[str]  # funding codes (funding.models.Mission)
    snp_orientation: bool


def funding_basis(project: Project) -> FundingBasis | None:
    """The population and missions the ACI funding is computed from (the project's budget)."""

    budget = Budget.objects.filter(project=project).first()
    if budget is None:
        return None
    population, _ = budget_population(budget)
    if not population:
        return None
    return FundingBasis(
        population=population,
        missions=list(budget.missions),
        snp_orientation=budget.snp_orientation,
    )


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


def contract_bareme(contract: Contract):
    """The contract's barème (its lines loaded), or None when none is recorded."""

    try:
        return calculator.get_bareme(contract.bareme or None, on=contract.signature_date)
    except calculator.FundingError:
        return None


def year_dates(contract: Contract, year: int) -> dict:
    start, end = contract.year_period(year)
    return {
        "number": year,
        "start": start,
        "end": end,
        "dialogue_due": end,
        "balance_due": add_months(end, BALANCE_DELAY_MONTHS),
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


@dataclass
class YearView:
    dates: dict
    dialogue: AnnualDialogue | None
    payments: list[ContractPayment] = field(default_factory=list)
    expected: list = field(default_factory=list)  # funding.calculator.Payment of the year
    funding: object = None  # funding.calculator.Funding with the agreed rates
    missions: list[dict] = field(default_factory=list)

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))

    @property
    def expected_total(self) -> Decimal:
        return sum((p.amount for p in self.expected), Decimal(0))

    @property
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
    with_missions: bool = False,
    bareme=None,
) -> YearView:
    view = YearView(dates=year_dates(contract, year), dialogue=dialogue, payments=payments)
    if basis is None:
        return view
    bareme = bareme or contract_bareme(contract)
    if bareme is None:
        return view
    labels = calculator.mission_labels()
    measured, indicators = measured_rates(project, year) if with_missions else ({}, {})
    agreed = agreed_rates(dialogue)
    # Until the dialogue agrees a rate, the measured one (else 100 %) gives the estimate.
    rates = {code: agreed.get(code, measured.get(code, Decimal(1))) for code in basis.missions}
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
                    "indicators": indicators.get(code, []),
                    "variable_base": sum((line.base for line in variable), Decimal(0)),
                    "variable_due": sum((line.amount for line in variable), Decimal(0)),
                }
            )
    return view


def follow_up(project: Project) -> dict:
    """The five contract years of the project (a fixed number of queries)."""
    contract = Contract.objects.filter(project=project).first()
    if contract is None:
        return {"contract": None, "years": []}
    dialogues = {d.year: d for d in AnnualDialogue.objects.filter(project=project)}
    payments = defaultdict(list)
    for payment in ContractPayment.objects.filter(project=project):
        payments[payment.year].append(payment)
    basis = funding_basis(project)
    bareme = contract_bareme(contract) if basis is not None else None
    years = [
        year_view(
            project,
            contract,
            year,
            dialogue=dialogues.get(year),
            payments=payments[year],
            basis=basis,
            bareme=bareme,
        )
        for year in YEARS
    ]
    return {"contract": contract, "years": years, "basis": basis}


def dialogue_view(project: Project, contract: Contract, year: int) -> YearView:
    return year_view(
        project,
        contract,
        year,
        dialogue=AnnualDialogue.objects.filter(project=project, year=year)
        .select_related("cpts_signed_by", "cpam_signed_by", "ars_signed_by", "updated_by")
        .first(),
        payments=list(ContractPayment.objects.filter(project=project, year=year)),
        basis=funding_basis(project),
        with_missions=True,
    )


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


def dialogue_sign(*, project: Project, year: int, party: str, by, withdraw: bool = False):
    with transaction.atomic():
        dialogue = (
            AnnualDialogue.objects.select_for_update().filter(project=project, year=year).first()
        )
        if dialogue is None or dialogue.meeting_date is None:
            raise FollowUpError(
                "Indiquez d'abord la date de la réunion du dialogue de gestion, puis signez."
            )
        prefix = party.lower()
        label = Party(party).label
        if withdraw and dialogue.is_signed:
            raise FollowUpError(
                "Les trois parties ont signé : le dialogue est clos et ne peut plus changer."
            )
        if withdraw and not dialogue.signed_at(party):
            raise FollowUpError(f"Aucune signature de {label} à retirer.")
        if not withdraw and dialogue.signed_at(party):
            raise FollowUpError(f"Le dialogue est déjà signé pour {label}.")
        dialogue = save_versioned(
            dialogue,
            version=dialogue.version,  # the row is locked: this is the current version
            by=by,
            fields={
                f"{prefix}_signed_at": None if withdraw else timezone.now(),
                f"{prefix}_signed_by": None if withdraw else by,
            },
        )
        verb = "signature retirée" if withdraw else "signé"
        what = f"Dialogue de gestion de l'année {year} : {verb} pour {label}"
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
            comment=f"{euros(amount, 2)} le {paid_on:%d/%m/%Y}",
        )
    return payment
