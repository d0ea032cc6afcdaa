"""The tripartite ACI contract (flow layer): prepared by the portal from the project once the
projet de santé is validated (explicitly or tacitly), signed in the portal by the CPTS
(coordinator or bureau), the CPAM and the DD ARS, each told of every signature.

Decided here: nobody signs before the validation; a signature may be withdrawn until the
third one, after which the contract is locked; before the first signature the parties may
agree a start later than the signatures (else the contract starts on the date of the last
one). At the third signature the contract is recorded (projects.Contract, through the
lifecycle's "sign_contract" transition) and the figures of its years are kept
(lifecycle.followup.basis_freeze).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from projects.access import ProjectAccess
from projects.models import Project, State

from . import followup, transitions
from .followup import FollowUpError, Party
from .models import ContractSigning

READY = (State.VALIDATED, State.TACITLY_VALIDATED)


def is_ready(project: Project) -> bool:
    """The contract exists (signed) or may be signed (the projet de santé is validated)."""
    return transitions.effective_state(project) in (*READY, State.CONTRACTED)


def may_sign(grant: ProjectAccess) -> list[str]:
    return followup.parties_of(grant)


def start_agree(*, project: Project, agreed_start: dt.date | None, by) -> ContractSigning:
    """The start the three parties agreed (later than the signatures), before any signature."""
    with transaction.atomic():
        if transitions.effective_state(project) not in READY:
            raise FollowUpError("Le contrat est signé : sa date de début ne change plus.")
        signing, _ = ContractSigning.objects.select_for_update().get_or_create(project=project)
        if signing.is_locked:
            raise FollowUpError(
                "Le contrat est en signature : sa date de début ne change plus (retirez les "
                "signatures pour la modifier)."
            )
        if agreed_start is not None and agreed_start <= timezone.localdate():
            raise FollowUpError("La date de début convenue doit être postérieure à aujourd'hui.")
        signing.agreed_start = agreed_start
        signing.save(update_fields=["agreed_start"])
        followup.event(
            project,
            "contract_start",
            "Date de début du contrat ACI convenue : "
            + (f"le {agreed_start:%d/%m/%Y}" if agreed_start else "la dernière signature"),
            by,
        )
    return signing


def contract_sign(*, project: Project, party: str, by, withdraw: bool = False) -> ContractSigning:
    """A party signs (or withdraws its signature); the third signature records the contract."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if transitions.effective_state(project) not in READY:
            if project.state == State.CONTRACTED:
                raise FollowUpError(
                    "Les trois parties ont signé : le contrat est clos et ne peut plus changer."
                )
            raise FollowUpError(
                "Le contrat ACI se signe une fois le projet de santé validé par l'ARS "
                "(ou réputé validé)."
            )
        signing, _ = ContractSigning.objects.select_for_update().get_or_create(project=project)
        fields = followup.signature_fields(signing, party, by, withdraw=withdraw, what="le contrat")
        for name, value in fields.items():
            setattr(signing, name, value)
        signing.save(update_fields=list(fields))
        label = Party(party).label
        verb = "signature retirée" if withdraw else "signé"
        followup.event(project, "contract_sign", f"Contrat ACI : {verb} pour {label}", by)
        if signing.is_signed:
            _record_contract(project, signing)
    return signing


def _record_contract(project: Project, signing: ContractSigning) -> None:
    """The third signature: the contract starts on the last signature's date, or later."""
    signed = {party: timezone.localdate(signing.signed_at(party)) for party in Party.values}
    start = max(signed.values())
    if signing.agreed_start and signing.agreed_start > start:
        start = signing.agreed_start
    transitions.apply(
        project=project,
        action="sign_contract",
        by=signing.cpts_signed_by,
        signature_date=start,
        cpts_signed_date=signed[Party.CPTS],
        cpam_signed_date=signed[Party.CPAM],
        ars_signed_date=signed[Party.ARS],
        from_signatures=True,
    )
