"""The lifecycle of a CPTS project: one table of transitions, one function that applies them.

(state, action) → next state, who may do it, and the guard that must hold. `apply` checks the
role and the guard, locks the project row, changes the state, writes the timeline event and
queues the notifications after commit — in one transaction. No state changes anywhere else.

Derived truths are computed, not waited for: a deposit whose opposition deadline has passed
without a decision *is* réputé validé (`effective_state`), whenever anyone looks; the daily task
only records the event and sends the e-mails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, Organisation
from cpts_portal.lib import outbox
from cpts_portal.lib.numbering import next_number
from diagnostics import checks as diagnostics_checks
from funding import checks as funding_checks
from funding.calculator import FundingError, get_bareme
from governance import checks as governance_checks
from missions import checks as missions_checks
from projects import deadlines
from projects.access import ProjectAccess, access_for
from projects.models import (
    STAGE_OF_STATE,
    Avis,
    AvisBody,
    Contract,
    Decision,
    Deposit,
    Document,
    IntentionAnswer,
    IntentionLetter,
    MissingPieceFile,
    MissingPiecesRequest,
    Project,
    ProjectEvent,
    State,
)

from .documents import act_produce, document_freeze_for_deposit
from .domain import project_models
from .followup import basis_freeze, committed_amount
from .notifications import ACT_OF_ACTION, notify_event_task

Role = Membership.Role
Kind = Organisation.Kind

# What each domain app says a deposit still lacks.
DEPOSIT_CHECKS = [
    diagnostics_checks.deposit_gaps,
    missions_checks.deposit_gaps,
    governance_checks.deposit_gaps,
    funding_checks.deposit_gaps,
]


class TransitionError(Exception):
    """The action cannot be done now; `reasons` are French sentences for the user."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


# --- Who ----------------------------------------------------------------------------------


def _coordinator(grant: ProjectAccess) -> bool:
    return grant.cpts_role == Role.COORDINATOR


def _coordinator_or_bureau(grant: ProjectAccess) -> bool:
    return grant.cpts_role in (Role.COORDINATOR, Role.BUREAU)


def _intention_reviewer(grant: ProjectAccess) -> bool:
    return bool(grant.review_roles) and bool(grant.review_kinds & {Kind.ARS_DD, Kind.CPAM})


def _ars_reviewer(grant: ProjectAccess) -> bool:
    return bool(grant.review_roles) and Kind.ARS_DD in grant.review_kinds


def _decider(grant: ProjectAccess) -> bool:
    return Role.DECIDER in grant.review_roles


def _system(grant: ProjectAccess) -> bool:
    return False  # only the daily task (by=None) records a tacit validation


# --- Guards -------------------------------------------------------------------------------


def intention_gaps(project: Project, **params) -> list[str]:
    letter = IntentionLetter.objects.filter(project=project).first()
    if letter is None:
        return ["La lettre d'intention n'est pas commencée."]
    return [f"Rubrique à remplir : {name}." for name in letter.missing_fields()]


def deposit_gaps(project: Project, **params) -> list[str]:
    """Everything the domain apps say a deposit still lacks."""
    gaps = []
    for check in DEPOSIT_CHECKS:
        gaps.extend(check(project))
    return gaps


def _needs_comment(message: str) -> Callable:
    def guard(project, *, comment="", **params):
        return [] if comment.strip() else [message]

    return guard


def _decision_gaps(project, *, confirm_missing_avis=False, **params) -> list[str]:
    deposit = project.current_deposit()
    missing = [a.get_body_display() for a in deposit.avis.all() if not a.is_submitted]
    if missing and not confirm_missing_avis:
        return [
            "Des avis manquent encore ("
            + ", ".join(missing)
            + ") : confirmez pour décider sans eux."
        ]
    return []


def _opposition_gaps(project, *, comment="", ground_prs=False, ground_territory=False, **params):
    reasons = _decision_gaps(project, **params)
    if not (ground_prs or ground_territory):
        reasons.append(
            "Une opposition doit reposer sur l'un des deux motifs légaux : objectifs du PRS "
            "ou pertinence du territoire."
        )
    if not comment.strip():
        reasons.append("Motivez l'opposition.")
    return reasons


def _tacit_gaps(project, *, today=None, **params) -> list[str]:
    deposit = project.current_deposit()
    today = today or timezone.localdate()
    if deposit is None or today < deadlines.tacit_validation_date(deposit.clock_start_date):
        return ["Le délai de deux mois n'est pas écoulé."]
    return []


# --- Effects ------------------------------------------------------------------------------


def _start_intention(project, *, by, **params):
    IntentionLetter.objects.get_or_create(
        project=project, defaults={"updated_by": by, **prefill_intention(project)}
    )


def _submit_intention(project, *, by, **params):
    letter = IntentionLetter.objects.select_for_update().get(project=project)
    letter.round += 1
    letter.submitted_at = timezone.now()
    letter._history_user = by
    letter.save()
    if project.submitted_at is None:
        project.submitted_at = letter.submitted_at


def _answer_body(grant: ProjectAccess) -> str:
    return Kind.ARS_DD if Kind.ARS_DD in grant.review_kinds else Kind.CPAM


def _answer_intention(answer):
    def effect(project, *, by, grant, comment="", **params):
        letter = IntentionLetter.objects.get(project=project)
        body = _answer_body(grant)
        if letter.answers.filter(round=letter.round, body=body).exists():
            raise TransitionError(["Votre organisme a déjà répondu à cet envoi."])
        IntentionAnswer.objects.create(
            letter=letter, round=letter.round, body=body, answer=answer, comment=comment, by=by
        )

    return effect


def _after_intention_answer(project) -> str:
    letter = IntentionLetter.objects.get(project=project)
    answers = {a.body: a.answer for a in letter.answers.filter(round=letter.round)}
    if IntentionAnswer.Answer.REWORK in answers.values():
        return State.INTENTION_REWORK
    if answers.get(Kind.ARS_DD) == answers.get(Kind.CPAM) == IntentionAnswer.Answer.VALIDATED:
        return State.REDACTION
    return State.INTENTION_SUBMITTED


DEPOSIT_CONFIRMATION = (
    "Confirmez le dépôt : le projet de santé sera figé tel qu'il est et transmis à la DD ARS, "
    "à la CPAM et aux autres organismes, et le délai légal de deux mois commencera."
)


def _deposit(project, *, by, **params):
    if not params.get("confirm_deposit"):
        raise TransitionError([DEPOSIT_CONFIRMATION])
    today = params.get("received_date") or timezone.localdate()
    number = next_number(project.deposits)
    content, content_hash = snapshot_frozen(project)
    deposit = Deposit.objects.create(
        project=project,
        number=number,
        received_date=today,
        clock_start_date=today,
        snapshot=content,
        snapshot_hash=content_hash,
        deposited_by=by,
    )
    Avis.objects.bulk_create(Avis(deposit=deposit, body=body) for body in AvisBody.values)
    # The PDF's HTML is frozen now, in the same transaction, so that it prints exactly what
    # the snapshot holds; the worker renders it (lifecycle.documents).

    document_freeze_for_deposit(project=project, deposit=deposit, by=by)


def _declare_incomplete(project, *, by, comment="", **params):
    deposit = project.current_deposit()
    deposit.is_incomplete = True
    deposit.missing_pieces = comment
    deposit.save(update_fields=["is_incomplete", "missing_pieces"])
    MissingPiecesRequest.objects.create(
        deposit=deposit, pieces=comment, requested_on=timezone.localdate(), requested_by=by
    )


def _complete_gaps(project, *, files=(), comment="", **params) -> list[str]:
    if not files:
        return ["Joignez au moins une des pièces demandées (PDF, ODT ou DOCX)."]
    return []


def _complete(project, *, by, comment="", files=(), **params):
    """The CPTS sends the missing pieces (`files`: uploads already checked by
    cpts_portal.lib.uploads, as (upload, checked) pairs): the clock starts again in full on
    the day they are received; the deposit's first reception date stays on the record."""
    deposit = project.current_deposit()
    received = params.get("received_date") or timezone.localdate()
    deposit.is_incomplete = False
    deposit.clock_start_date = received
    deposit.save(update_fields=["is_incomplete", "clock_start_date"])
    request = deposit.piece_requests.filter(received_date__isnull=True).last()
    if request is None:  # a deposit declared incomplete before requests were recorded
        request = MissingPiecesRequest.objects.create(
            deposit=deposit, pieces=deposit.missing_pieces, requested_on=received
        )
    request.answer, request.received_date, request.answered_by = comment, received, by
    request.save(update_fields=["answer", "received_date", "answered_by"])
    for upload, checked in files:
        upload.seek(0)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        piece = MissingPieceFile(
            request=request,
            original_name=upload.name[:200],
            content_type=checked.content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=by,
        )
        piece.file.save(f"piece{checked.extension}", upload, save=False)
        piece.save()


def _decide(kind):
    def effect(project, *, by, comment="", **params):
        deposit = project.current_deposit()
        try:
            with transaction.atomic():
                Decision.objects.create(
                    deposit=deposit,
                    kind=kind,
                    ground_prs=bool(params.get("ground_prs")),
                    ground_territory=bool(params.get("ground_territory")),
                    motivation=comment if kind == Decision.Kind.OPPOSITION else "",
                    vigilance=params.get("vigilance", "")
                    or (comment if kind == Decision.Kind.VALIDATION else ""),
                    decided_by=by,
                )
        except IntegrityError:
            raise TransitionError(["Une décision a déjà été enregistrée pour ce dépôt."]) from None

    return effect


def _contract_gaps(project, **params) -> list[str]:
    if not params.get("from_signatures"):
        # The contract is prepared by the portal and signed by the three parties on its page
        # (lifecycle.contract): its third signature records it.
        return ["Le contrat ACI se signe sur sa page, par la CPTS, la CPAM et l'ARS."]
    reasons = []
    for name, label in (
        ("signature_date", "la date de signature"),
        ("cpts_signed_date", "la date de signature de la CPTS"),
        ("cpam_signed_date", "la date de signature de la CPAM"),
        ("ars_signed_date", "la date de signature de l'ARS"),
    ):
        if not params.get(name):
            reasons.append(f"Indiquez {label} (JJ/MM/AAAA).")
    if not reasons and params["signature_date"] < max(
        params["cpts_signed_date"], params["cpam_signed_date"], params["ars_signed_date"]
    ):
        reasons.append("Le contrat commence à la dernière des trois signatures, ou après.")
    return reasons


def _sign_contract(project, *, by, **params):
    contract = Contract.objects.create(
        project=project,
        signature_date=params["signature_date"],
        bareme=bareme_in_force(params["signature_date"]),
        annual_amount=committed_amount(project, params["signature_date"]),
        cpts_signed_date=params["cpts_signed_date"],
        cpam_signed_date=params["cpam_signed_date"],
        ars_signed_date=params["ars_signed_date"],
        recorded_by=by,
    )
    basis_freeze(project, contract, by=by)  # the figures of the contract's years, kept


def bareme_in_force(day) -> str:
    """The name of the funding barème in force at `day` (funding app), or ""."""

    try:
        return get_bareme(on=day).name
    except FundingError:
        return ""


# --- The table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button
    event: str  # the timeline
    to: str | Callable[[Project], str]
    who: Callable[[ProjectAccess], bool]
    guard: Callable[..., list[str]] | None = None
    effect: Callable[..., None] | None = None
    public: bool = True
    style: str = "primary"
    fields: tuple[str, ...] = field(default_factory=tuple)  # what the form asks
    comment_label: str = "Commentaire"  # the label of its comment field, when it asks one


_T = Transition
_INTENTION_SUBMIT = _T(
    "submit_intention",
    "Transmettre la lettre d'intention à l'ARS et à la CPAM",
    "Lettre d'intention transmise à la DD ARS et à la CPAM",
    State.INTENTION_SUBMITTED,
    _coordinator,
    intention_gaps,
    _submit_intention,
)
_DEPOSIT = _T(
    "deposit",
    "Déposer le projet de santé",
    "Projet de santé déposé auprès de la DD ARS",
    State.DEPOSITED,
    _coordinator_or_bureau,
    deposit_gaps,
    _deposit,
    fields=("confirm_deposit",),
)
_SIGN_CONTRACT = _T(
    "sign_contract",
    "Enregistrer la signature du contrat ACI",
    "Contrat ACI signé par la CPTS, la CPAM et l'ARS",
    State.CONTRACTED,
    _coordinator_or_bureau,
    guard=_contract_gaps,
    effect=_sign_contract,
    fields=("signature_date", "cpts_signed_date", "cpam_signed_date", "ars_signed_date"),
)

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (State.INITIATIVE, "start_intention"): _T(
        "start_intention",
        "Commencer la lettre d'intention",
        "Rédaction de la lettre d'intention commencée",
        State.INTENTION_DRAFT,
        _coordinator,
        effect=_start_intention,
    ),
    (State.INTENTION_DRAFT, "submit_intention"): _INTENTION_SUBMIT,
    (State.INTENTION_REWORK, "submit_intention"): _INTENTION_SUBMIT,
    (State.INTENTION_SUBMITTED, "validate_intention"): _T(
        "validate_intention",
        "Valider la lettre d'intention",
        "Lettre d'intention validée",
        _after_intention_answer,
        _intention_reviewer,
        effect=_answer_intention(IntentionAnswer.Answer.VALIDATED),
        style="success",
        fields=("comment",),
        comment_label="Points de vigilance (facultatif)",
    ),
    (State.INTENTION_SUBMITTED, "rework_intention"): _T(
        "rework_intention",
        "Demander de retravailler la lettre",
        "Lettre d'intention à retravailler",
        _after_intention_answer,
        _intention_reviewer,
        guard=_needs_comment("Dites ce qui est à retravailler."),
        effect=_answer_intention(IntentionAnswer.Answer.REWORK),
        style="outline-danger",
        fields=("comment",),
    ),
    (State.REDACTION, "deposit"): _DEPOSIT,
    (State.OPPOSED, "deposit"): _DEPOSIT,
    (State.DEPOSITED, "declare_incomplete"): _T(
        "declare_incomplete",
        "Déclarer le dossier incomplet",
        "Dossier déclaré incomplet : délai suspendu",
        State.INCOMPLETE,
        _ars_reviewer,
        guard=_needs_comment("Listez les pièces manquantes."),
        effect=_declare_incomplete,
        style="outline-danger",
        fields=("comment",),
        comment_label="Pièces manquantes (une par ligne)",
    ),
    (State.INCOMPLETE, "complete"): _T(
        "complete",
        "Transmettre les pièces manquantes",
        "Pièces manquantes reçues : le délai de deux mois repart en entier",
        State.DEPOSITED,
        _coordinator_or_bureau,
        guard=_complete_gaps,
        effect=_complete,
        fields=("comment", "files"),
    ),
    (State.DEPOSITED, "validate"): _T(
        "validate",
        "Valider le projet de santé",
        "Projet de santé validé par l'ARS",
        State.VALIDATED,
        _decider,
        guard=_decision_gaps,
        effect=_decide(Decision.Kind.VALIDATION),
        style="success",
        fields=("comment", "confirm_missing_avis"),
        comment_label="Points de vigilance (facultatif)",
    ),
    (State.DEPOSITED, "oppose"): _T(
        "oppose",
        "S'opposer au projet de santé",
        "Opposition de l'ARS au projet de santé",
        State.OPPOSED,
        _decider,
        guard=_opposition_gaps,
        effect=_decide(Decision.Kind.OPPOSITION),
        style="outline-danger",
        fields=("comment", "ground_prs", "ground_territory", "confirm_missing_avis"),
        comment_label="Motivation de l'opposition",
    ),
    (State.VALIDATED, "sign_contract"): _SIGN_CONTRACT,
    (State.TACITLY_VALIDATED, "sign_contract"): _SIGN_CONTRACT,
    (State.DEPOSITED, "record_tacit_validation"): _T(
        "record_tacit_validation",
        "Constater la validation tacite",
        "Projet de santé réputé validé (aucune opposition dans le délai de deux mois)",
        State.TACITLY_VALIDATED,
        _system,
        guard=_tacit_gaps,
    ),
}


# --- Reading the state --------------------------------------------------------------------


def effective_state(project: Project, *, deposit: Deposit | None = None, today=None) -> str:
    """The state as it is today: a deposit past its deadline without decision is réputé validé."""
    if project.state == State.DEPOSITED:
        deposit = deposit or project.current_deposit()
        today = today or timezone.localdate()
        if deposit and today >= deadlines.tacit_validation_date(deposit.clock_start_date):
            return State.TACITLY_VALIDATED
    return project.state


def allowed_actions(project: Project, user) -> list[Transition]:
    """The buttons this user may press now (the guards are checked when pressed)."""
    state = effective_state(project)
    grant = access_for(user, project)
    actions = [
        t
        for (s, _), t in TRANSITIONS.items()
        if s == state and t.who(grant) and t.action != "sign_contract"  # lifecycle.contract
    ]
    if state == State.INTENTION_SUBMITTED and actions and _has_answered(project, grant):
        # A body answers each submission once: its buttons go once it has.
        actions = [t for t in actions if t.action not in INTENTION_ANSWERS]
    return actions


INTENTION_ANSWERS = ("validate_intention", "rework_intention")


def _has_answered(project: Project, grant: ProjectAccess) -> bool:
    letter = IntentionLetter.objects.filter(project=project).only("pk", "round").first()
    return (
        bool(letter)
        and letter.answers.filter(round=letter.round, body=_answer_body(grant)).exists()
    )


def event_label(project: Project, transition: Transition, to: str) -> str:
    """The timeline's words for `transition`: an intention letter is "validée" only once
    both the DD ARS and the CPAM validated it."""
    if transition.action == "validate_intention" and to != State.REDACTION:
        letter = IntentionLetter.objects.get(project=project)
        answered = [a.body_label for a in letter.answers.filter(round=letter.round).order_by("at")]
        waiting = [
            label for body, label in IntentionAnswer.BODY_LABELS.items() if label not in answered
        ]
        return f"Lettre d'intention : avis favorable de la {', '.join(answered)}" + (
            f", en attente de la réponse de la {', '.join(waiting)}" if waiting else ""
        )
    if transition.action == "validate_intention":
        return "Lettre d'intention validée par la DD ARS et la CPAM"
    return transition.event


def prefill_intention(project: Project) -> dict:
    """What the project already holds, to start the intention letter with."""
    names = ", ".join(f"{d.name} ({d.code})" for d in project.departements.all())
    return {
        "porteur": project.organisation.name,
        "territory": f"Départements : {names}" if names else "",
    }


def snapshot(project: Project) -> dict:
    """Every record of the domain apps hanging off the project, serialised (frozen at deposit)."""
    content = {"project": {"name": project.name, "slug": project.slug}}
    for model, path in project_models():
        # Many-to-many values prefetched: one query per relation, whatever the rows.
        m2m = [f.name for f in model._meta.many_to_many]
        rows = model.objects.filter(**{path: project}).order_by("pk").prefetch_related(*m2m)
        content[model._meta.label] = serializers.serialize("python", rows)
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder))


def snapshot_frozen(project: Project) -> tuple[dict, str]:
    """What a deposit keeps: the snapshot, as stored, and its SHA-256."""
    encoded = json.dumps(snapshot(project), cls=DjangoJSONEncoder, sort_keys=True)
    return json.loads(encoded), hashlib.sha256(encoded.encode()).hexdigest()


# --- Applying an action -------------------------------------------------------------------


def apply(*, project: Project, action: str, by, comment: str = "", today=None, **params) -> Project:
    """Apply `action` to `project` for user `by` (None: the system's daily task)."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        state = effective_state(project, today=today)
        if state != project.state and action != "record_tacit_validation":
            # Record what already is (réputé validé) before looking at the asked action.
            _record(project, TRANSITIONS[(project.state, "record_tacit_validation")], None, "")
        transition = TRANSITIONS.get((state, action))
        if action == "record_tacit_validation":
            transition = TRANSITIONS.get((project.state, action))
        if transition is None:
            raise TransitionError(["Cette action n'est pas possible à cette étape du projet."])
        grant = access_for(by, project) if by is not None else ProjectAccess()
        if by is not None and not transition.who(grant):
            raise TransitionError(["Votre rôle ne permet pas cette action."])
        if by is None and transition.action != "record_tacit_validation":
            raise TransitionError(["Seule une personne peut faire cette action."])
        if transition.guard:
            reasons = transition.guard(project, comment=comment, today=today, **params)
            if reasons:
                raise TransitionError(reasons)
        if transition.effect:
            transition.effect(project, by=by, grant=grant, comment=comment, **params)
        event = _record(project, transition, by, comment)
    return project if event is None else Project.objects.get(pk=project.pk)


def _record(project: Project, transition: Transition, by, comment: str) -> ProjectEvent | None:
    to = transition.to(project) if callable(transition.to) else transition.to
    from_state = project.state
    project.state = to
    project.stage = STAGE_OF_STATE[to]
    project.save(update_fields=["state", "stage", "submitted_at", "updated_at"])
    deposit = project.current_deposit()
    if transition.action == "record_tacit_validation":
        comment = f"Dépôt n°{deposit.number}"
    event = ProjectEvent.objects.create(
        project=project,
        action=transition.action,
        label=event_label(project, transition, to),
        from_state=from_state,
        to_state=to,
        actor=by,
        comment=comment,
        public=transition.public,
    )

    outbox.enqueue(notify_event_task, event_id=event.pk)
    _produce_act(deposit, transition.action, by)
    return event


def _produce_act(deposit: Deposit | None, action: str, by) -> None:
    kind = ACT_OF_ACTION.get(action)
    if kind is None or deposit is None:
        return
    extra = {}
    if kind == Document.Kind.MISSING_PIECES:
        extra["request"] = deposit.piece_requests.order_by("pk").last().pk
    act_produce(deposit=deposit, kind=kind, by=by, **extra)


def record_due_tacit_validations(*, today: dt.date | None = None) -> int:
    """The daily task: record each tacit validation once. Returns how many were recorded."""
    today = today or timezone.localdate()
    recorded = 0
    for project in Project.objects.filter(state=State.DEPOSITED):
        if effective_state(project, today=today) == State.TACITLY_VALIDATED:
            try:
                apply(project=project, action="record_tacit_validation", by=None, today=today)
            except (TransitionError, IntegrityError):
                continue
            recorded += 1
    return recorded
