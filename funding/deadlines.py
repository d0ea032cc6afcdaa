"""The ACI payments the budget simulates, from the signature date typed on the budget, before
any contract. Under contract, the dashboard takes the payments from the follow-up
(lifecycle.followup: the figures kept for each year, the payments recorded), not from here."""

from django.urls import reverse

from cpts_portal.lib.numbers import euros
from projects.deadlines import Deadline

from . import calculator
from .budget import budget_population, contract_signature_date
from .models import Budget


def deadlines(project) -> list[Deadline]:
    budget = Budget.objects.filter(project=project).first()
    signature_date = contract_signature_date(budget) if budget else None
    if signature_date is None:
        return []
    budget.project = project
    population, _ = budget_population(budget)
    if population is None:
        return []
    try:
        payments = calculator.payment_schedule(
            signature_date=signature_date,
            population=population,
            missions=budget.missions,
            snp_orientation=budget.snp_orientation,
        )
    except calculator.FundingError:
        return []
    url = reverse("funding:project-simulator", args=[project.slug])
    return [
        Deadline(
            date=payment.date,
            label=f"Versement ACI — {payment.label} : {euros(payment.amount)}",
            kind="payment",
            url=url,
        )
        for payment in payments
    ]
