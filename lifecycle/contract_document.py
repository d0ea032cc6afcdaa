"""What the ACI contract says (its page and its PDF), from the project: the contract once
signed (its kept figures), else the figures it would be signed on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation
from funding import calculator
from missions import deadlines as missions_deadlines
from missions.results import contract_indicators
from projects.models import Contract, Project, SigningParty

from . import followup
from .models import ContractSigning


def signing_of(project: Project) -> ContractSigning | None:
    return (
        ContractSigning.objects.filter(project=project)
        .select_related("cpts_signed_by", "cpam_signed_by", "ars_signed_by")
        .first()
    )


def _parties(project: Project) -> dict:
    departements = list(project.departements.all())
    codes = [d.code for d in departements]
    bodies = (
        Organisation.objects.filter(
            kind__in=[Organisation.Kind.CPAM, Organisation.Kind.ARS_DD],
            departements__code__in=codes,
        )
        .distinct()
        .order_by("name")
    )
    return {
        "cpts": project.organisation.name,
        "cpam": [o.name for o in bodies if o.kind == Organisation.Kind.CPAM],
        "ars": [o.name for o in bodies if o.kind == Organisation.Kind.ARS_DD],
        "departements": departements,
    }


def _signatures(signing: ContractSigning | None, contract: Contract | None) -> list[dict]:
    """Who signed when; a contract recorded before the portal's signatures has only dates."""
    if signing is None and contract is not None:
        return [
            {
                "party": party,
                "label": label,
                "by": None,
                "at": getattr(contract, f"{party.lower()}_signed_date"),
            }
            for party, label in SigningParty.choices
        ]
    return (signing or ContractSigning()).signatures


def planned_start(signing: ContractSigning | None, contract: Contract | None) -> dt.date:
    """The contract's start: its date once signed; else the start agreed, or today (the
    contract starts on the day of its last signature)."""
    if contract is not None:
        return contract.signature_date
    today = timezone.localdate()
    if signing and signing.agreed_start and signing.agreed_start > today:
        return signing.agreed_start
    return today


def contract_data(project: Project) -> dict:
    """What the contract says: parties, territory and population, size tier, barème, missions
    and their deployment deadlines, the indicators retained with baselines and targets, the
    fixed and variable amounts, the payment schedule (a fixed number of queries)."""
    contract = Contract.objects.filter(project=project).first()
    signing = signing_of(project)
    start = planned_start(signing, contract)
    basis = followup.year_bases(project)[1] if contract else followup.funding_basis(project)
    bareme_name = (contract.bareme if contract else "") or (basis.bareme if basis else "")
    try:
        bareme = calculator.get_bareme(bareme_name or None, on=start)
    except calculator.FundingError:
        bareme = None
    funding, schedule, error = None, [], ""
    if basis is None:
        error = "Le budget du projet (population et missions financées) est nécessaire."
    elif bareme is not None:
        try:
            funding = calculator.annual_funding(
                population=basis.population,
                missions=basis.missions,
                snp_orientation=basis.snp_orientation,
                bareme=bareme,
            )
            schedule = calculator.payment_schedule(
                signature_date=start,
                population=basis.population,
                missions=basis.missions,
                snp_orientation=basis.snp_orientation,
                bareme=bareme,
            )
        except calculator.FundingError as failure:
            error = str(failure)
    limits: dict[str, dict] = {}
    for item in missions_deadlines.deadlines(project, signature_date=start):
        row = limits.setdefault(item.ref, {"code": item.ref, "label": item.label})
        row[item.kind] = item.date
    for row in limits.values():
        row["label"] = (
            row["label"]
            .replace("Démarrage de la mission ", "")
            .replace("Déploiement complet de la mission ", "")
        )
    # With their weight and their target for each contract year (missions.results).
    indicators = contract_indicators(project)
    return {
        "title": "Contrat ACI",
        "signatures": _signatures(signing, contract),
        "contract": contract,
        "signing": signing,
        "start": start,
        "end": Contract(signature_date=start).end_date,
        "parties": _parties(project),
        "basis": basis,
        "bareme": bareme.name if bareme else "",
        "funding": funding,
        "schedule": schedule,
        "schedule_total": sum((p.amount for p in schedule), Decimal(0)),
        "funding_error": error,
        "missions": sorted(limits.values(), key=lambda row: row["code"]),
        "indicators": indicators,
    }
