"""What the deposit of the projet de santé still lacks from the territory and the diagnostic."""

from .models import DiagnosticFigure, DiagnosticSection, Need
from .territory import territory_communes

Key = DiagnosticSection.Key

# Sections without which part 1 of the projet de santé cannot be read (guide, "1ère partie").
ESSENTIAL_SECTIONS = (Key.METHOD, Key.POPULATION, Key.SUPPLY, Key.ACCESS, Key.LEADS)


def deposit_gaps(project) -> list[str]:
    """French sentences, one per gap; an empty list means the app has nothing missing."""
    gaps = []
    if not territory_communes(project).exists():
        gaps.append("Le territoire de la CPTS n'est pas défini : ajoutez ses communes.")
    if not Need.objects.filter(project=project, withdrawn=False).exists():
        gaps.append(
            "Le diagnostic n'identifie encore aucun besoin (section « Besoins identifiés »)."
        )
    filled = set(
        DiagnosticSection.objects.filter(project=project)
        .exclude(text="")
        .values_list("key", flat=True)
    ) | set(
        DiagnosticFigure.objects.filter(section__project=project).values_list(
            "section__key", flat=True
        )
    )
    for key in ESSENTIAL_SECTIONS:
        if key not in filled:
            gaps.append(f"La section « {Key(key).label} » du diagnostic est vide.")
    return gaps
