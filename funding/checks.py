"""What the deposit of the projet de santé still lacks on the funding side."""

from cpts_portal.lib.numbers import euros

from .budget import budget_view
from .models import AciMission, Budget
from .socle import applicable_bareme, socle_missions


def deposit_gaps(project) -> list[str]:
    budget = Budget.objects.filter(project=project).first()
    if budget is None:
        return ["Le budget prévisionnel n'est pas encore établi."]
    budget.project = project
    view = budget_view(budget)
    gaps = []
    if view.error:
        gaps.append(view.error)
    gaps.extend(socle_gaps(project, budget))
    for table in view.tables:
        if table.balanced:
            continue
        if table.gap < 0:
            detail = f"les dépenses dépassent les ressources de {euros(-table.gap)}"
        else:
            detail = f"les ressources dépassent les dépenses de {euros(table.gap)}"
        gaps.append(
            f"Le tableau « {table.title} » du budget prévisionnel n'est pas équilibré : "
            f"{detail} (dépenses {euros(table.expense_total)}, "
            f"ressources {euros(table.resource_total)})."
        )
    return gaps


def socle_gaps(project, budget: Budget) -> list[str]:
    """Each socle mission of the project's barème the budget does not fund. Guide (FOCUS -
    Planifier le déploiement): "En souscrivant au contrat, les communautés professionnelles
    territoriales de santé s'engagent à mettre en place les trois missions socles"."""
    labels = dict(AciMission.choices)
    socle = socle_missions(project)
    if not socle:
        return []
    name = applicable_bareme(project).name
    return [
        f"Le budget prévisionnel ne finance pas la mission socle « {labels[code]} » : le "
        f"barème {name} la rend obligatoire (cochez-la dans les missions contractualisées "
        "du budget)."
        for code in socle
        if code not in budget.missions
    ]
