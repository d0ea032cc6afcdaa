"""The barème that applies to a project, and the missions it makes socle.

Guide (ACI, "FOCUS - Planifier le déploiement des missions socles et optionnelles"): "En
souscrivant au contrat, les communautés professionnelles territoriales de santé s'engagent à
mettre en place les trois missions socles dans le respect de ce calendrier." Which missions
are socle is data of the barème (funding.models.Bareme.socle_missions), not a constant: under
ACI-2019 the crisis mission is optional (the guide, May 2021: "une sixième mission
susceptible d'être assurée par les CPTS : la participation à la réponse aux crises
sanitaires (conditions et détails à venir)"); a later barème entered by an administrator
that makes it socle makes it required for the projects under that barème.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from projects.models import Contract

from .calculator import FundingError, get_bareme
from .models import Bareme, Budget

_CACHE = "_applicable_bareme"


def bareme_day(project, *, budget: Budget | None = None) -> dt.date:
    """The day whose barème applies: the ACI contract's signature once recorded; before, the
    date typed on the budget for a simulation, else today (a contract signed now)."""
    contract = Contract.objects.filter(project_id=project.pk).only("signature_date").first()
    if contract is not None:
        return contract.signature_date
    if budget is None:
        budget = Budget.objects.filter(project_id=project.pk).only("signature_date").first()
    if budget is not None and budget.signature_date:
        return budget.signature_date
    return timezone.localdate()


def applicable_bareme(project, *, contract: Contract | None = None) -> Bareme:
    """The barème (its lines loaded) that applies to `project`; read once per project object.
    `contract`: the project's ACI contract when the caller has read it (its signature is the
    day, bareme_day). Raises FundingError (French) when no barème is recorded."""
    cached = project.__dict__.get(_CACHE)
    if cached is None:
        day = contract.signature_date if contract is not None else bareme_day(project)
        cached = get_bareme(on=day)
        project.__dict__[_CACHE] = cached
    return cached


def socle_missions(project) -> list[str]:
    """The funding codes (funding.models.AciMission) of the missions socle for `project`,
    empty when no barème is recorded (the budget check then says so)."""
    try:
        return applicable_bareme(project).socle
    except FundingError:
        return []


def bareme_name(project) -> str:
    """The name of the barème that applies to `project`, "" when none is recorded."""
    try:
        return applicable_bareme(project).name
    except FundingError:
        return ""
