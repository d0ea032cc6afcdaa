"""Starting a fiche from an example, sharing a fiche into the library."""

from decimal import Decimal

from django.db import transaction

from diagnostics.territory import territory_population
from geo.population import size_tier
from missions import services as fiche_services
from missions.models import Fiche, Indicator, Mission, SubAction

from .access import may_share
from .catalogue import Example
from .models import SharedFiche

FICHE_FIELDS = Example.FICHE_FIELDS
INDICATOR_FIELDS = ("name", "kind", "baseline", "target", "unit", "source", "frequency")


class ShareRefused(Exception):
    """Sharing is not possible (a French message)."""


def example_content(example: Example) -> dict:
    """An example of the catalogue as the content a fiche is made from."""
    return {
        "fields": {name: getattr(example, name) for name in FICHE_FIELDS},
        "sub_actions": list(example.sub_actions),
        "indicators": [
            {
                name: (str(value) if isinstance(value, Decimal) else value)
                for name in INDICATOR_FIELDS
                for value in [getattr(indicator, name)]
            }
            for indicator in example.indicators
        ],
    }


def fiche_content(fiche: Fiche) -> dict:
    """What of a fiche may join the library: its text, its sub-actions without who does them,
    its indicators. Never its pilot, working group, needs or dates."""
    return {
        "fields": {name: getattr(fiche, name) for name in FICHE_FIELDS},
        "sub_actions": list(
            SubAction.objects.filter(fiche=fiche)
            .order_by("position", "number")
            .values_list("what", flat=True)
        ),
        "indicators": [
            {
                name: (str(value) if isinstance(value, Decimal) else value)
                for name, value in row.items()
            }
            for row in Indicator.objects.filter(fiche=fiche)
            .order_by("position", "number")
            .values(*INDICATOR_FIELDS)
        ],
    }


def _decimal(value):
    return None if value in (None, "") else Decimal(value)


@transaction.atomic
def start_from(*, project, by, mission: Mission, title: str, content: dict) -> Fiche:
    """A new fiche of `project` filled from `content`, made through the fiche services (a
    version and a history entry for the fiche and each row, like any typed fiche)."""
    fields = {name: content.get("fields", {}).get(name, "") for name in FICHE_FIELDS}
    fiche = fiche_services.fiche_create(
        project=project, by=by, mission=mission, title=title[:250], **fields
    )
    for what in content.get("sub_actions", []):
        fiche_services.row_create(fiche=fiche, model=SubAction, by=by, fields={"what": what})
    for indicator in content.get("indicators", []):
        row = {name: indicator.get(name, "") for name in INDICATOR_FIELDS}
        row["baseline"], row["target"] = _decimal(row["baseline"]), _decimal(row["target"])
        if row["kind"] not in Indicator.Kind.values:
            row["kind"] = Indicator.Kind.FOLLOW_UP
        fiche_services.row_create(fiche=fiche, model=Indicator, by=by, fields=row)
    return fiche


def _search_text(title: str, content: dict) -> str:
    parts = [title, *content["fields"].values(), *content["sub_actions"]]
    parts += [i["name"] for i in content["indicators"]]
    return " ".join(p for p in parts if p).lower()


@transaction.atomic
def share(*, fiche: Fiche, by, show_cpts: bool) -> SharedFiche:
    """Lend the fiche (or update the copy already lent)."""
    project = fiche.project
    if not may_share(project):
        raise ShareRefused(
            "Seule une CPTS dont le projet de santé est validé par l'ARS partage ses "
            "fiches-actions dans la bibliothèque."
        )
    content = fiche_content(fiche)
    population = territory_population(project) or None
    shared, _ = SharedFiche.objects.update_or_create(
        fiche=fiche,
        defaults={
            "mission_id": fiche.mission_id,
            "title": fiche.title,
            "content": content,
            "show_cpts": show_cpts,
            "cpts_name": project.organisation.name if show_cpts else "",
            "population": population,
            "size_tier": size_tier(population) if population else None,
            "search_text": _search_text(fiche.title, content),
            "shared_by": by,
        },
    )
    return shared


def unshare(*, fiche: Fiche) -> None:
    SharedFiche.objects.filter(fiche=fiche).delete()
