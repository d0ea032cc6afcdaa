"""Phase 6: each project's funding: a budget balanced part by part, the FIR engineering grant
once the letter is written, and under a contract its dialogues de gestion and payments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from cpts_portal.lib.dates import add_months
from funding.models import Budget, BudgetLine, Grant, Side
from geo.population import size_tier
from lifecycle.models import ContractYearBasis
from projects.models import AnnualDialogue, ContractPayment, State

from .batch import Batch, Cpts, aware

# The expense lines of each budget table: (category, label, share of the part's resources);
# the last line takes what the others leave.
EXPENSE_SHARES = [
    ("INDEMNITES", "Temps des professionnels", Decimal("0.4")),
    ("SALAIRES", "Coordination et secrétariat", Decimal("0.35")),
    ("MATERIEL", "Outils numériques et supports", Decimal("0.15")),
    ("HONORAIRES", "Honoraires et formations", None),
]
CONTRACT_YEARS = 5
DIALOGUES_HELD = 4  # year 5 of the contract is running


def build(batch: Batch) -> None:
    for cpts in batch.cpts:
        _budget(batch, cpts)
        if cpts.spec.state not in (State.INITIATIVE, State.INTENTION_DRAFT):
            _grant(batch, cpts)
        if cpts.dates.signature:
            _basis(batch, cpts)
            _dialogues(batch, cpts)
            _payments(batch, cpts)
    batch.rows.flush(Budget, Grant, ContractYearBasis, AnnualDialogue, ContractPayment)
    for cpts in batch.cpts:
        _budget_lines(batch, cpts)
    batch.rows.flush(BudgetLine)


def _budget(batch: Batch, cpts: Cpts) -> None:
    cpts.budget = batch.rows.add(
        Budget(
            project=cpts.project,
            population=cpts.territory.population,
            missions=cpts.funded_missions,
            snp_orientation=cpts.snp,
            signature_date=cpts.dates.signature,
            updated_by=cpts.coordinator,
        )
    )


def _basis(batch: Batch, cpts: Cpts) -> None:
    """The contract's basis from year 1, frozen at the signature as the portal freezes it
    (lifecycle.followup.basis_freeze): the budget's terms of that day."""
    batch.rows.add(
        ContractYearBasis(
            project=cpts.project,
            year=1,
            population=cpts.territory.population,
            tier=size_tier(cpts.territory.population),
            bareme=batch.ctx.funding.bareme_on(cpts.dates.signature),
            missions=cpts.funded_missions,
            snp_orientation=cpts.snp,
            taken_on=cpts.dates.signature,
            taken_by=cpts.coordinator,
        )
    )


def _grant(batch: Batch, cpts: Cpts) -> None:
    """The FIR engineering grant: paid once the letter is validated, asked for until then."""
    asked = cpts.spec.state in (State.INTENTION_SUBMITTED, State.INTENTION_REWORK)
    batch.rows.add(
        Grant(
            project=cpts.project,
            number=1,
            kind=Grant.Kind.FIR_INGENIERIE,
            funder=f"ARS {cpts.spec.departement.region.name} (FIR)",
            title="Ingénierie de projet après la lettre d'intention",
            amount=Decimal(30000),
            status=Grant.Status.DEMANDEE if asked else Grant.Status.VERSEE,
            requested_date=cpts.dates.letter,
            updated_by=cpts.coordinator,
        )
    )


def _dialogues(batch: Batch, cpts: Cpts) -> None:
    """The dialogues de gestion of the years done, signed by the CPTS."""
    signature = cpts.dates.signature
    for year in range(1, DIALOGUES_HELD + 1):
        anniversary = add_months(signature, 12 * year)
        batch.rows.add(
            AnnualDialogue(
                project=cpts.project,
                year=year,
                meeting_date=anniversary + dt.timedelta(days=20),
                attainment={
                    code: str(70 + (cpts.spec.index + year) % 30) for code in cpts.funded_missions
                },
                minutes="Indicateurs de l'année présentés ; taux d'atteinte retenus.",
                cpts_signed_by=cpts.coordinator,
                cpts_signed_at=aware(anniversary + dt.timedelta(days=25)),
                updated_by=cpts.coordinator,
            )
        )


def _payments(batch: Batch, cpts: Cpts) -> None:
    """Each year's advance at its start, and the balance of the years whose dialogue is held."""
    signature, funding = cpts.dates.signature, cpts.funding
    start_amount = funding.functioning_total + funding.mission_fixed_total * Decimal("0.75")
    balance = funding.mission_fixed_total * Decimal("0.25") + funding.variable_total * Decimal(
        "0.8"
    )
    for year in range(1, CONTRACT_YEARS + 1):
        payments = [  # (kind, paid on, amount, suffix of the reference)
            (
                ContractPayment.Kind.START,
                add_months(signature, 12 * (year - 1)) + dt.timedelta(days=15),
                start_amount,
                "A",
            )
        ]
        if year <= DIALOGUES_HELD:
            payments.append(
                (
                    ContractPayment.Kind.BALANCE,
                    add_months(signature, 12 * year + 2) - dt.timedelta(days=5),
                    balance,
                    "S",
                )
            )
        for kind, paid_on, amount, suffix in payments:
            batch.rows.add(
                ContractPayment(
                    project=cpts.project,
                    year=year,
                    kind=kind,
                    paid_on=paid_on,
                    amount=amount.quantize(Decimal("0.01")),
                    reference=f"ACI-{cpts.spec.index:04d}-{year}-{suffix}",
                    recorded_by=cpts.coordinator,
                )
            )


def _budget_lines(batch: Batch, cpts: Cpts) -> None:
    """Per part of the budget, expense lines that spend exactly its ACI resources."""
    number = 0
    for part, amount in _budget_parts(cpts.funding, cpts.budget.missions):
        spent = Decimal(0)
        for category, label, share in EXPENSE_SHARES:
            value = amount - spent if share is None else (amount * share).quantize(Decimal(1))
            spent += value
            number += 1
            batch.rows.add(
                BudgetLine(
                    budget=cpts.budget,
                    number=number,
                    part=part,
                    side=Side.EXPENSE,
                    category=category,
                    label=label,
                    amount=value,
                    updated_by=cpts.coordinator,
                )
            )


def _budget_parts(funding, missions: list[str]) -> list[tuple[str, Decimal]]:
    """(part, ACI resources of the part): the expenses of each table match them."""
    totals = defaultdict(Decimal)
    for line in funding.lines:
        totals[line.mission or ""] += line.amount
    return [(part, totals[part]) for part in ["", *missions] if totals[part] > 0]
