"""Phase 4: each project's fiches-actions, after the demo's (demo/missions.py), with their
sub-actions, working group and indicators, and under a contract the result of each
indicator for each contract year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cpts_portal.lib.dates import add_months
from missions.models import Fiche, Indicator, IndicatorResult, SubAction, WorkingGroupMember

from ..missions import FICHE_TEXTS, FOLLOW_UP, PIC, RESULT, FicheSpec, IndicatorSpec, row_fields
from .batch import Batch, Cpts
from .plan import person_name

INDICATORS_PER_FICHE = 5
SUB_ACTIONS_PER_FICHE = 3
# Fiches per mission in each round of 25 (see _mission_sequence).
MISSION_WEIGHTS = {"1a": 5, "1b": 4, "2": 5, "3": 4, "4": 3, "5": 2, "6": 2}

CRISIS_FICHE = FicheSpec(
    mission="6",
    title="Plan de réponse de la CPTS aux crises sanitaires graves",
    problems="Lors des dernières crises (épidémie, canicule), les professionnels du "
    "territoire ne disposaient ni d'un annuaire à jour ni d'une organisation partagée.",
    objectives="- Écrire le plan de crise de la CPTS et le mettre à jour chaque année\n"
    "- Tenir à jour l'annuaire des professionnels mobilisables",
    target_public="Professionnels de santé et population du territoire.",
    milestones="Plan écrit à 6 mois, exercice annuel, mise à jour après chaque crise.",
    means_logistic="Cellule de crise dans les locaux de la CPTS.",
    means_digital="Annuaire partagé et liste de diffusion par SMS.",
    means_human="Un référent crise et son suppléant.",
    resources_available="Plan ORSAN de l'ARS ; cellule départementale de crise.",
    obstacles="Disponibilité des professionnels pendant une crise.",
    levers="Exercice annuel avec la préfecture.",
    budget=Decimal("5000"),
)
# The fiche each mission's fiches are written after: the demo's, the crisis one for the rest.
TEMPLATES = {**{fiche.mission: fiche for fiche in PIC}, "6": CRISIS_FICHE}
# The texts a scale fiche takes from its template (its pilot is its own).
TEMPLATE_TEXTS = [name for name in FICHE_TEXTS if not name.startswith("pilot_")]
SUB_ACTIONS = [
    "Constituer le groupe de travail et fixer le calendrier",
    "Écrire le protocole de l'action avec les partenaires",
    "Informer les professionnels et les patients concernés",
    "Suivre les indicateurs et présenter le bilan en assemblée générale",
    "Former les professionnels volontaires",
]
SUB_ACTION_STATUSES = (SubAction.Status.DONE, SubAction.Status.ONGOING, SubAction.Status.PLANNED)
# The result indicator of a fiche whose template has none.
GENERIC_RESULT = IndicatorSpec(
    name="Taux d'atteinte de l'objectif",
    kind=RESULT,
    baseline="0",
    target="100",
    unit="%",
    source="Tableau de bord",
    frequency="annuelle",
)


def _follow_up(name: str, baseline: str, target: str, unit: str) -> IndicatorSpec:
    return IndicatorSpec(
        name=name,
        kind=FOLLOW_UP,
        baseline=baseline,
        target=target,
        unit=unit,
        source="Tableau de suivi de la CPTS",
        frequency="trimestrielle",
    )


# The follow-up indicators the fiches draw from, after their result indicator.
FOLLOW_UPS = [
    _follow_up("Nombre de professionnels engagés dans l'action", "0", "40", "professionnels"),
    _follow_up("Nombre de réunions du groupe de travail", "0", "6", "réunions"),
    _follow_up("Nombre de patients concernés", "0", "500", "patients"),
    _follow_up("Part des professionnels informés", "10", "90", "%"),
    _follow_up("Nombre de communes couvertes", "2", "20", "communes"),
    _follow_up("Satisfaction des professionnels (sur 10)", "5", "8", "points"),
]


def _mission_sequence(codes: list[str], weights: dict[str, int], count: int) -> list[str]:
    """`count` mission codes in round-robin order (every mission comes once before any comes
    twice), each at most its weight per round of 25."""
    order, left = [], dict(weights)
    while len(order) < count:
        progressed = False
        for code in codes:
            if left.get(code, 0) > 0:
                order.append(code)
                left[code] -= 1
                progressed = True
        if not progressed:
            left = dict(weights)
    return order[:count]


def build(batch: Batch) -> None:
    for cpts in batch.cpts:
        _fiches(batch, cpts)
    batch.rows.flush(Fiche)
    for cpts in batch.cpts:
        funded = set()  # the missions that already have their retained indicator
        for fiche in cpts.fiches:
            batch.rows.add(
                Fiche.needs.through(fiche_id=fiche.pk, need_id=cpts.needs[fiche.number % 5].pk)
            )
            _sub_actions(batch, cpts, fiche)
            _working_group(batch, cpts, fiche)
            _indicators(batch, cpts, fiche, funded)
    batch.rows.flush(Fiche.needs.through, SubAction, WorkingGroupMember, Indicator)
    for cpts in batch.cpts:
        if cpts.dates.signature:
            _results(batch, cpts)
    batch.rows.flush(IndicatorResult)


def _fiches(batch: Batch, cpts: Cpts) -> None:
    """The fiches, the missions in turn; one in three piloted by an outside doctor."""
    missions = batch.ctx.missions
    codes = list(missions)
    base = cpts.dates.signature or batch.today + dt.timedelta(days=180)
    for number, code in enumerate(
        _mission_sequence(codes, MISSION_WEIGHTS, cpts.spec.fiche_count), start=1
    ):
        template = TEMPLATES.get(code) or CRISIS_FICHE
        part = "" if number <= len(codes) else f" — volet {(number - 1) // len(codes) + 1}"
        outside = number % 3 == 0
        start = base + dt.timedelta(days=30 * (number % 12))
        fiche = Fiche(
            project=cpts.project,
            number=number,
            mission=missions[code],
            title=template.title + part,
            pilot=None if outside else cpts.staff["pilote1" if number % 2 else "pilote2"],
            pilot_name=f"Dr {' '.join(person_name(cpts.spec.index + number))}" if outside else "",
            pilot_profession="Médecin généraliste" if outside else "",
            start_date=start,
            end_date=start + dt.timedelta(days=540),
            budget=template.budget,
            updated_by=cpts.coordinator,
            **{name: getattr(template, name) for name in TEMPLATE_TEXTS},
        )
        cpts.fiches.append(batch.rows.add(fiche))


def _sub_actions(batch: Batch, cpts: Cpts, fiche: Fiche) -> None:
    """Done, ongoing, planned under a contract; all planned before."""
    for position in range(1, SUB_ACTIONS_PER_FICHE + 1):
        batch.rows.add(
            SubAction(
                fiche=fiche,
                number=position,
                position=position,
                what=SUB_ACTIONS[(fiche.number + position) % len(SUB_ACTIONS)],
                who="Pilote de l'action" if position % 2 else "Secrétariat de la CPTS",
                start_date=fiche.start_date + dt.timedelta(days=60 * (position - 1)),
                end_date=fiche.start_date + dt.timedelta(days=60 * position),
                status=SUB_ACTION_STATUSES[position - 1]
                if cpts.dates.signature
                else SubAction.Status.PLANNED,
                updated_by=cpts.coordinator,
            )
        )


def _working_group(batch: Batch, cpts: Cpts, fiche: Fiche) -> None:
    """A member of the CPTS and a nurse from outside."""
    for position, user in ((1, cpts.staff["membre"]), (2, None)):
        first, last = person_name(cpts.spec.index * 31 + fiche.number * 2 + position)
        batch.rows.add(
            WorkingGroupMember(
                fiche=fiche,
                number=position,
                position=position,
                user=user,
                name="" if user else f"{first} {last}",
                profession="" if user else "Infirmier(e) libéral(e)",
                contact="" if user else f"Cabinet de {cpts.spec.communes[0].name}",
                updated_by=cpts.coordinator,
            )
        )


def _indicators(batch: Batch, cpts: Cpts, fiche: Fiche, funded: set[str]) -> None:
    """The template's result indicator (retained for the variable funding on the first fiche
    of each mission but the crisis one: a deposit needs one per mission, 1a and 1b apart),
    then follow-up indicators."""
    template = TEMPLATES.get(fiche.mission.code) or CRISIS_FICHE
    result = next((i for i in template.indicators if i.kind == RESULT), GENERIC_RESULT)
    for position in range(1, INDICATORS_PER_FICHE + 1):
        if position == 1:
            spec = result
            drives = fiche.mission.code not in funded and fiche.mission.code != "6"
            funded.add(fiche.mission.code)
        else:
            spec = FOLLOW_UPS[(fiche.number + position) % len(FOLLOW_UPS)]
            drives = False
        indicator = Indicator(
            fiche=fiche,
            number=position,
            position=position,
            **{**row_fields(spec, users={}), "drives_funding": drives},
            updated_by=cpts.coordinator,
        )
        cpts.indicators.append(batch.rows.add(indicator))


def _results(batch: Batch, cpts: Cpts) -> None:
    """One result per indicator and contract year, progressing towards the target."""
    signature, years = cpts.dates.signature, IndicatorResult.YEARS
    for indicator in cpts.indicators:
        baseline = indicator.baseline or Decimal(0)
        target = indicator.target if indicator.target is not None else Decimal(100)
        for year in range(1, years + 1):
            progress = Decimal(min(year * (60 + cpts.spec.index % 40), 100 * years))
            value = baseline + (target - baseline) * progress / (100 * years)
            batch.rows.add(
                IndicatorResult(
                    indicator=indicator,
                    year=year,
                    value=value.quantize(Decimal("0.01")),
                    measured_on=min(
                        add_months(signature, 12 * year) - dt.timedelta(days=10), batch.today
                    ),
                    comment="Tableau de bord CPTS de l'Assurance Maladie.",
                    updated_by=cpts.coordinator,
                )
            )
    batch.ctx.counts["results"] += len(cpts.indicators) * years
