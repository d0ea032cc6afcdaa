"""What a deposit of the projet de santé still lacks on the missions side."""

from django.db.models import Count, Q

from .catalogue import CRISIS_CODE
from .models import Fiche, Mission
from .services import follows_avenant_2


def required_missions(project, missions=None) -> list[Mission]:
    """The socle missions the project must cover: 1a, 1b, 2, 3, and 6 under avenant 2."""
    missions = list(Mission.objects.all()) if missions is None else missions
    avenant_2 = follows_avenant_2(project)
    return [m for m in missions if m.is_socle and (avenant_2 or m.code != CRISIS_CODE)]


def deposit_gaps(project, *, fiches=None, missions=None) -> list[str]:
    """French sentences, one per gap; empty when the missions part is ready for a deposit.

    `fiches` (annotated like `annotated_fiches`) and `missions` may be passed by a page that
    already loaded them."""
    fiches = list(annotated_fiches(project)) if fiches is None else fiches
    gaps = []
    for mission in required_missions(project, missions):
        own = [f for f in fiches if f.mission_id == mission.pk]
        if not own:
            gaps.append(f"Mission {mission.code} ({mission.short_name}) : aucune fiche-action.")
        elif not any(f.funding_indicators for f in own):
            gaps.append(
                f"Mission {mission.code} ({mission.short_name}) : aucun indicateur de résultat "
                "retenu pour la rémunération variable."
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
