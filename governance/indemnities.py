"""Indemnities paid to members, and who exceeds the year's PASS (décret 2022-375)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import ExtractYear

from .models import Indemnity, Member, Pass


@dataclass(frozen=True)
class YearTotal:
    member: Member
    year: int
    total: Decimal
    ceiling: Decimal | None  # the year's PASS, None when not known

    @property
    def over(self) -> bool:
        return self.ceiling is not None and self.total > self.ceiling


def yearly_totals(project) -> list[YearTotal]:
    """Each member's total per calendar year, newest year first (3 queries whatever the size)."""
    rows = (
        Indemnity.objects.filter(project=project)
        .annotate(year=ExtractYear("paid_date"))
        .values("member_id", "year")
        .annotate(total=Sum("amount"))
        .order_by("-year", "-total")
    )
    rows = list(rows)
    members = Member.objects.in_bulk({row["member_id"] for row in rows})
    ceilings = dict(Pass.objects.values_list("year", "amount"))
    return [
        YearTotal(members[row["member_id"]], row["year"], row["total"], ceilings.get(row["year"]))
        for row in rows
    ]
