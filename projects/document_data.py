"""What each document prints, read from every app (flow layer)."""

from django.utils import timezone

from . import review
from .models import AvisBody, IntentionLetter


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
    order = list(AvisBody.values)
    avis = sorted(
        deposit.avis.select_related("submitted_by") if deposit else [],
        key=lambda a: order.index(a.body),
    )
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
    from diagnostics.territory import territory_summary

    summary = territory_summary(project)
    return {"communes": summary.commune_count, "population": summary.population}


def projet_de_sante(project) -> dict:
    return {"title": "Projet de santé"}
