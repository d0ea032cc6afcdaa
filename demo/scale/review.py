"""Phase 3: what brought each project to its lifecycle state: the intention letter and its
answers, the deposit with its avis and the decision, the ACI contract, the timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounts.models import Organisation
from lifecycle.transitions import TRANSITIONS
from projects.models import (
    Avis,
    AvisBody,
    Contract,
    Decision,
    Deposit,
    IntentionAnswer,
    IntentionLetter,
    ProjectEvent,
    State,
)

from .batch import Batch, Cpts, aware
from .plan import ANSWERED, DECIDED, DEPOSITED, PATHS, SUBMITTED

ARS_DD, CPAM = Organisation.Kind.ARS_DD, Organisation.Kind.CPAM
# Who took each lifecycle action (the coordinator when not listed).
ACTOR_OF_ACTION = {
    "validate_intention": "reviewer",
    "rework_intention": "reviewer",
    "declare_incomplete": "reviewer",
    "validate": "decider",
    "oppose": "decider",
}
AVIS_QUESTIONS = ("missions", "diagnostic", "declinaison", "prs", "territoire")
SATISFACTORY = {"judgement": "SATISFAISANT", "comment": ""}


def build(batch: Batch) -> None:
    for cpts in batch.cpts:
        state = cpts.spec.state
        if state != State.INITIATIVE:
            _letter(batch, cpts)
        if state in DEPOSITED:
            _deposit(batch, cpts)
        if cpts.dates.signature:
            _contract(batch, cpts)
        _timeline(batch, cpts)
    batch.rows.flush(IntentionLetter, Deposit, Contract, ProjectEvent)
    for cpts in batch.cpts:
        state = cpts.spec.state
        if state in ANSWERED:
            _answers(batch, cpts)
        if state in DEPOSITED:
            _avis(batch, cpts)
        if state in DECIDED:
            _decision(batch, cpts)
    batch.rows.flush(IntentionAnswer, Avis, Decision)


def _letter(batch: Batch, cpts: Cpts) -> None:
    spec = cpts.spec
    submitted = spec.state in SUBMITTED
    cpts.letter = batch.rows.add(
        IntentionLetter(
            project=cpts.project,
            porteur=f"Association {spec.name} (loi 1901), siège à {spec.communes[0].name}.",
            territory=f"{len(spec.communes)} communes de {spec.departement.name}, "
            f"{cpts.territory.population} habitants.",
            diagnostic="Population vieillissante, départs en retraite de médecins "
            "généralistes, recours fréquents aux urgences.",
            actors="Professionnels de santé libéraux, maisons de santé, EHPAD, SSIAD.",
            coordination="Une maison de santé et des groupes de pairs.",
            missions="Les missions socles puis l'accompagnement des professionnels.",
            calendar="Projet de santé dans l'année qui suit la validation de la lettre.",
            engineering_budget=Decimal(30000),
            round=1 if submitted else 0,
            submitted_at=aware(cpts.dates.letter) if submitted else None,
            updated_by=cpts.coordinator,
        )
    )


def _deposit(batch: Batch, cpts: Cpts) -> None:
    spec = cpts.spec
    incomplete = spec.state == State.INCOMPLETE
    cpts.deposit = batch.rows.add(
        Deposit(
            project=cpts.project,
            number=1,
            received_date=cpts.dates.received,
            clock_start_date=cpts.dates.received,
            is_incomplete=incomplete,
            missing_pieces="Statuts signés ; convention avec le centre hospitalier."
            if incomplete
            else "",
            snapshot={"project": {"name": spec.name, "slug": spec.slug}},
            deposited_by=cpts.coordinator,
        )
    )


def _contract(batch: Batch, cpts: Cpts) -> None:
    signature = cpts.dates.signature
    batch.rows.add(
        Contract(
            project=cpts.project,
            signature_date=signature,
            bareme=batch.ctx.funding.bareme_on(signature),
            cpts_signed_date=signature - dt.timedelta(days=6),
            cpam_signed_date=signature - dt.timedelta(days=3),
            ars_signed_date=signature,
            annual_amount=cpts.funding.total,  # the funding committed at the signature
            recorded_by=cpts.coordinator,
        )
    )


def _timeline(batch: Batch, cpts: Cpts) -> None:
    """One event per lifecycle action of the project's path, by who took it."""
    actors = {
        "coordinator": cpts.coordinator,
        "reviewer": cpts.reviewers.reviewer,
        "decider": cpts.reviewers.decider,
    }
    for from_state, action in PATHS[cpts.spec.state]:
        transition = TRANSITIONS[(from_state, action)]
        tacit = action == "record_tacit_validation"
        if callable(transition.to):  # the state the transition computes, for these paths
            to = State.INTENTION_REWORK if action == "rework_intention" else State.REDACTION
        else:
            to = transition.to
        batch.rows.add(
            ProjectEvent(
                project=cpts.project,
                action=action,
                label=transition.event,
                from_state=from_state,
                to_state=to,
                actor=None if tacit else actors[ACTOR_OF_ACTION.get(action, "coordinator")],
                comment="Dépôt n°1" if tacit else "",
                public=transition.public,
            )
        )


def _answers(batch: Batch, cpts: Cpts) -> None:
    """The answers of the DD ARS (a rework, for that state) and of the CPAM to the letter."""
    rework = cpts.spec.state == State.INTENTION_REWORK
    for body, by in ((ARS_DD, cpts.reviewers.reviewer), (CPAM, cpts.reviewers.cpam)):
        batch.rows.add(
            IntentionAnswer(
                letter=cpts.letter,
                round=1,
                body=body,
                answer=IntentionAnswer.Answer.REWORK
                if rework and body == ARS_DD
                else IntentionAnswer.Answer.VALIDATED,
                comment="Préciser le territoire et associer les infirmiers libéraux."
                if body == ARS_DD
                else "",
                by=by,
            )
        )


def _avis(batch: Batch, cpts: Cpts) -> None:
    """One avis per body: all submitted once the review is over, some while it runs."""
    spec = cpts.spec
    if spec.state in DECIDED or spec.state == State.TACITLY_VALIDATED:
        submitted_bodies = set(AvisBody.values)
    else:
        submitted_bodies = set(AvisBody.values[: spec.index % 4])
    author = {
        AvisBody.ARS_DD: cpts.reviewers.reviewer,
        AvisBody.CPAM: cpts.reviewers.cpam,
        AvisBody.URPS: cpts.reviewers.urps,
    }
    for body in AvisBody.values:
        done = body in submitted_bodies
        by = author.get(body)
        batch.rows.add(
            Avis(
                deposit=cpts.deposit,
                body=body,
                answers={key: dict(SATISFACTORY) for key in AVIS_QUESTIONS} if done else {},
                overall=Avis.Overall.FAVORABLE if done else "",
                motivation="Projet cohérent avec le diagnostic." if done else "",
                submitted_at=aware(cpts.dates.received + dt.timedelta(days=30)) if done else None,
                submitted_by=by if done else None,
                updated_by=by,
            )
        )


def _decision(batch: Batch, cpts: Cpts) -> None:
    opposed = cpts.spec.state == State.OPPOSED
    batch.rows.add(
        Decision(
            deposit=cpts.deposit,
            kind=Decision.Kind.OPPOSITION if opposed else Decision.Kind.VALIDATION,
            ground_territory=opposed,
            motivation="Le territoire recouvre celui d'une CPTS déjà validée." if opposed else "",
            vigilance="" if opposed else "Suivre le déploiement de la mission 2.",
            decided_by=cpts.reviewers.decider,
        )
    )
