"""Each mission's start and full-deployment limits after the ACI signature (domain.md §2)."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse

from cpts_portal.lib.dates import add_months
from projects.deadlines import Deadline

from .checks import required_missions
from .models import Fiche, Mission

# Mission field (months after the signature), deadline kind, label.
LIMITS = [
    ("start_months", "mission_start", "Démarrage de la mission"),
    ("deployment_months", "mission_deployment", "Déploiement complet de la mission"),
]


def deadlines(project, signature_date: dt.date | None = None) -> list[Deadline]:
    """The limits of the missions the project must deploy (the socle ones in force), and of
    the complementary missions it wrote fiches for when they have limits (none today).

    The project has no ACI signature date yet: the caller passes it; without it there is
    nothing to compute."""
    if signature_date is None:
        return []
    url = reverse("missions:mission-list", args=[project.slug])
    # The catalogue, each mission saying whether the project wrote a fiche for it (one query).
    missions = list(
        Mission.objects.annotate(
            has_fiche=Exists(Fiche.objects.filter(project=project, mission=OuterRef("pk")))
        )
    )
    required = {m.pk for m in required_missions(project, missions)}
    items = []
    for mission in missions:
        if mission.pk not in required and not mission.has_fiche:
            continue
        for attribute, kind, label in LIMITS:
            months = getattr(mission, attribute)
            if months is not None:
                items.append(
                    Deadline(
                        date=add_months(signature_date, months),
                        label=f"{label} {mission.code} ({mission.short_name})",
                        kind=kind,
                        url=url,
                        ref=mission.code,
                    )
                )
    return sorted(items, key=lambda d: (d.date, d.label))
