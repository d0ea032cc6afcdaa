"""What the formal acts of the review print (issue 15): the acknowledgement of receipt, the
request for missing pieces, the decision letter and the attestation of tacit validation.

Each act is identified by its params ({"deposit": n, "date": "YYYY-MM-DD"}, and the request's
id for missing pieces): its HTML depends on them and on the records only, never on the moment
it is rendered. The clock's dates come from projects.deadlines (never recomputed here)."""

import datetime as dt

from django.utils import timezone

from projects.deadlines import deposit_clock, ground_label
from projects.models import Deposit, MissingPiecesRequest, Project

# The appeal routes printed on the decision letter: the guide says nothing of them; this is
# the portal's wording of the general rules of French administrative law (see /aide/).
APPEAL_MONTHS = 2
APPEAL_ROUTES = (
    "un recours gracieux auprès du directeur général de l'Agence régionale de santé",
    "un recours hiérarchique auprès du ministre chargé de la santé",
    "un recours contentieux devant le tribunal administratif territorialement compétent, "
    "qui peut aussi être saisi par l'application « Télérecours citoyens » "
    "(www.telerecours.fr)",
)


def _sender(project: Project) -> dict:
    """The DD ARS of the project's (first) département: the sender of every act."""
    departements = list(project.departements.select_related("region").order_by("code"))
    first = departements[0] if departements else None
    return {
        "agency": (
            f"Agence régionale de santé {first.region.name}"
            if first
            else "Agence régionale de santé"
        ),
        "delegation": (
            f"Délégation départementale — {first.name} ({first.code})"
            if first
            else "Délégation départementale"
        ),
        "departements": departements,
    }


def _deposit(project: Project, number: int) -> Deposit:
    return Deposit.objects.select_related("deposited_by").get(project=project, number=number)


def _common(project: Project, deposit: int, date: str, title: str) -> tuple[Deposit, dict]:
    act_date = dt.date.fromisoformat(date)
    record = _deposit(project, deposit)
    return record, {
        "title": title,
        "deposit": record,
        "act_date": act_date,
        "deposited_on": timezone.localdate(record.deposited_at) if record.deposited_at else None,
        "clock": deposit_clock(record, today=act_date),
        "sender": _sender(project),
    }


def ack_receipt(project: Project, *, deposit: int, date: str) -> dict:
    _, data = _common(project, deposit, date, "Accusé de réception du projet de santé")
    return data


def missing_pieces(project: Project, *, deposit: int, date: str, request: int) -> dict:
    record, data = _common(project, deposit, date, "Demande de pièces manquantes")
    asked = MissingPiecesRequest.objects.get(deposit=record, pk=request)
    pieces = [line.strip(" -•\t") for line in asked.pieces.splitlines() if line.strip(" -•\t")]
    return {**data, "request": asked, "pieces": pieces}


def decision_letter(project: Project, *, deposit: int, date: str) -> dict:
    record, data = _common(project, deposit, date, "Décision de l'ARS sur le projet de santé")
    decision = record.decision
    grounds = ground_label(
        ground_prs=decision.ground_prs, ground_territory=decision.ground_territory
    )
    return {
        **data,
        "decision": decision,
        "grounds": grounds.split(" ; ") if grounds else [],
        "appeal_months": APPEAL_MONTHS,
        "appeal_routes": APPEAL_ROUTES,
    }


def tacit_attestation(project: Project, *, deposit: int, date: str) -> dict:
    _, data = _common(project, deposit, date, "Attestation de validation tacite")
    return data
