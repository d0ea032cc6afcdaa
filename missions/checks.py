"""What a deposit of the projet de santé still lacks on the missions side."""

from django.db.models import Count, Q

from funding.socle import bareme_name, socle_missions

from .models import Fiche, Indicator, Mission
from .results import definition_error

__all__ = ["annotated_fiches", "bareme_name", "deposit_gaps", "required_missions"]


def required_missions(project, missions=None) -> list[Mission]:
    """The missions the project must cover: those whose funding line the barème that applies
    to it makes socle (ACI-2019: 1a and 1b, 2, 3; the crisis mission 6 is optional).

    Guide: "En souscrivant au contrat, les communautés professionnelles territoriales de santé
    s'engagent à mettre en place les trois missions socles"; the crisis mission is "une
    sixième mission susceptible d'être assurée par les CPTS [...] (conditions et détails à
    venir)". A later barème that makes it socle makes it required (funding.socle)."""
    missions = list(Mission.objects.all()) if missions is None else missions
    socle = set(socle_missions(project))
    return [m for m in missions if m.funding_code in socle]


def deposit_gaps(project, *, fiches=None, missions=None, retained=None) -> list[str]:
    """French sentences, one per gap; empty when the missions part is ready for a deposit.

    `fiches` (annotated like `annotated_fiches`), `missions` and `retained` (as
    `retained_indicators`) may be passed by a page that already loaded them."""
    fiches = list(annotated_fiches(project)) if fiches is None else fiches
    gaps = []
    for mission in required_missions(project, missions):
        own = [f for f in fiches if f.mission_id == mission.pk]
        if not own:
            gaps.append(f"Mission {mission.code} ({mission.short_name}) : aucune fiche-action.")
        elif not any(f.funding_indicators for f in own):
            gaps.append(
                f"Mission {mission.code} ({mission.short_name}) : aucun indicateur retenu pour "
                "la rémunération variable."
            )
    for fiche in fiches:
        missing = []
        if not fiche.has_pilot:
            missing.append("un pilote")
        if not fiche.objectives.strip():
            missing.append("un objectif opérationnel")
        if not fiche.indicator_count:
            missing.append("au moins un indicateur")
        if missing:
            gaps.append(f"Fiche {fiche.number} « {fiche.title} » : il manque {_join(missing)}.")
    gaps.extend(retained_indicator_gaps(project, retained))
    return gaps


def retained_indicators(project):
    """The indicators retained for the variable funding, with their fiche, by fiche."""
    return (
        Indicator.objects.filter(fiche__project=project, drives_funding=True)
        .select_related("fiche")
        .order_by("fiche__number", "position")
    )


def retained_indicator_gaps(project, retained=None) -> list[str]:
    """Each indicator retained for the variable funding whose attainment cannot be computed
    (missing baseline or target, target equal to the baseline). Guide: "Indicateur(s) de
    résultats retenu(s) par la CPTS (=base de calcul du financement variable de la mission)".
    `retained`: `retained_indicators(project)` when the caller has read them."""
    if retained is None:
        retained = retained_indicators(project)
    gaps = []
    for indicator in retained:
        error = definition_error(indicator)
        if error:
            gaps.append(
                f"Fiche {indicator.fiche.number}, indicateur « {indicator.name} » retenu pour "
                f"la rémunération variable : {error[0].lower()}{error[1:]}"
            )
    return gaps


def annotated_fiches(project):
    return (
        Fiche.objects.filter(project=project)
        .for_display()
        .annotate(
            indicator_count=Count("indicators", distinct=True),
            funding_indicators=Count(
                "indicators", filter=Q(indicators__drives_funding=True), distinct=True
            ),
        )
        .order_by("mission__order", "number")
    )


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]
