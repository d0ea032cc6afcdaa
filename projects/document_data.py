"""What each document prints, read from every app (flow layer)."""

from django.utils import timezone

from . import review
from .models import IntentionLetter


def intention_letter(project) -> dict:
    letter = IntentionLetter.objects.get(project=project)
    rows = [
        (str(letter._meta.get_field(name).verbose_name), getattr(letter, name))
        for name in (
            "porteur",
            "territory",
            "diagnostic",
            "actors",
            "coordination",
            "missions",
            "calendar",
        )
    ]
    return {"letter": letter, "rows": rows, "title": "Lettre d'intention"}


def avis_grid(project) -> dict:
    deposit = project.deposits.order_by("-number").first()
    avis = list(deposit.avis.select_related("submitted_by")) if deposit else []
    return {
        "title": "Grille d'avis",
        "deposit": deposit,
        "avis": [(item, review.answer_rows(item)) for item in avis],
        "questions": review.QUESTIONS,
        "figures": territory_figures(project),
        "printed": timezone.localdate(),
    }


def territory_figures(project) -> dict:
    """The figures of the grid's header, from the territory and the governance apps."""
    from diagnostics import territory

    figures = {
        "communes": territory.territory_commune_count(project)
        if hasattr(territory, "territory_commune_count")
        else None,
        "population": territory.territory_population(project),
    }
    return figures


def projet_de_sante(project) -> dict:
    return {"title": "Projet de santé"}
