"""What the deposit of the projet de santé still lacks on the funding side."""

from cpts_portal.lib.numbers import euros

from .budget import budget_view
from .models import Budget


def deposit_gaps(project) -> list[str]:
    budget = Budget.objects.filter(project=project).first()
    if budget is None:
        return ["Le budget prévisionnel n'est pas encore établi."]
    budget.project = project
    view = budget_view(budget)
    gaps = []
    if view.error:
        gaps.append(view.error)
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
