"""The budget prévisionnel as tables: typed lines plus the ACI resources of the calculation.

ACI resources are computed at each read from the project's population and missions, so they
follow any change of the territory or of the contracted missions without being stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from projects.models import Contract

from . import calculator
from .models import (
    EXPENSE_CATEGORIES,
    GENERAL_PART,
    AciMission,
    Budget,
    BudgetLine,
    Category,
    Component,
    Grant,
    Side,
)
from .socle import bareme_day
from .territory import territory_population

GENERAL_TITLE = "Fonctionnement général — élaboration, coordination, communication"
ACI_CATEGORY = {
    Component.FUNCTIONING: Category.ACI_FONCTIONNEMENT,
    Component.FUNCTIONING_FIRST_YEAR: Category.ACI_FONCTIONNEMENT,
    Component.FIXED: Category.ACI_FIXE,
    Component.SNP_COMPENSATION: Category.ACI_FIXE,
    Component.SNP_ORIENTATION: Category.ACI_FIXE,
    Component.VARIABLE: Category.ACI_VARIABLE,
}


@dataclass
class Row:
    label: str
    category: str
    amount: Decimal
    line: BudgetLine | None = None  # None: computed from the ACI barème

    @property
    def category_label(self) -> str:
        return Category(self.category).label


@dataclass
class Table:
    part: str
    title: str
    expenses: list[Row] = field(default_factory=list)
    resources: list[Row] = field(default_factory=list)
    contracted: bool = True

    @property
    def sides(self) -> list[tuple]:
        return [
            ("Dépenses", self.expenses, self.expense_total, "expenses"),
            ("Ressources", self.resources, self.resource_total, "resources"),
        ]

    @property
    def anchor(self) -> str:
        return f"partie-{self.part or 'generale'}"

    @property
    def expense_total(self) -> Decimal:
        return sum((row.amount for row in self.expenses), Decimal(0))

    @property
    def resource_total(self) -> Decimal:
        return sum((row.amount for row in self.resources), Decimal(0))

    @property
    def gap(self) -> Decimal:
        """Resources minus expenses: positive = surplus, negative = deficit."""
        return self.resource_total - self.expense_total

    @property
    def balanced(self) -> bool:
        return self.gap == 0

    def expense_by_category(self, category) -> Decimal:
        return sum((r.amount for r in self.expenses if r.category == category), Decimal(0))

    def resource_by_category(self, category) -> Decimal:
        return sum((r.amount for r in self.resources if r.category == category), Decimal(0))


@dataclass
class BudgetView:
    budget: Budget
    tables: list[Table]
    population: int | None
    population_from_territory: bool
    funding: calculator.Funding | None
    error: str
    grants: list[Grant]

    @property
    def expense_total(self) -> Decimal:
        return sum((t.expense_total for t in self.tables), Decimal(0))

    @property
    def resource_total(self) -> Decimal:
        return sum((t.resource_total for t in self.tables), Decimal(0))

    @property
    def gap(self) -> Decimal:
        return self.resource_total - self.expense_total

    @property
    def balanced(self) -> bool:
        return all(t.balanced for t in self.tables)

    @property
    def grants_total(self) -> Decimal:
        return sum((g.amount for g in self.grants if g.counts_in_budget), Decimal(0))

    def table(self, part: str) -> Table:
        return next(t for t in self.tables if t.part == part)


def part_title(part: str) -> str:
    if part == GENERAL_PART:
        return GENERAL_TITLE
    labels = dict(AciMission.choices)
    return f"Mission — {labels.get(part, part)}"


def budget_population(budget: Budget) -> tuple[int | None, bool]:
    """(population, taken from the territory?)."""
    population = territory_population(budget.project)
    if population:
        return population, True
    return budget.population, False


def budget_funding(budget: Budget, population: int | None) -> calculator.Funding:
    """The ACI funding of a regular year under the barème that applies to the project
    (funding.socle.bareme_day: in force at the signature, else today)."""
    return calculator.annual_funding(
        population=population,
        missions=budget.missions,
        snp_orientation=budget.snp_orientation,
        on=bareme_day(budget.project, budget=budget),
    )


def contract_signature_date(budget: Budget):
    """The ACI contract's signature date once the lifecycle recorded the contract, else the date
    the coordinator typed on the budget for a simulation."""

    contract = Contract.objects.filter(project_id=budget.project_id).only("signature_date").first()
    return contract.signature_date if contract else budget.signature_date


def budget_view(budget: Budget, *, lines=None, grants=None) -> BudgetView:
    if lines is None:
        lines = list(budget.lines.all())
    if grants is None:
        grants = list(budget.project.grants.all())
    population, from_territory = budget_population(budget)
    funding, error = None, ""
    if population is None:
        error = (
            "La population du territoire n'est pas renseignée : "
            "les ressources ACI ne peuvent pas être calculées."
        )
    else:
        try:
            funding = budget_funding(budget, population)
        except calculator.FundingError as exc:
            error = str(exc)

    parts = [GENERAL_PART, *budget.missions]
    for line in lines:
        if line.part not in parts:
            parts.append(line.part)
    tables = {
        part: Table(part=part, title=part_title(part), contracted=part in budget.missions)
        for part in parts
    }
    tables[GENERAL_PART].contracted = True
    if funding is not None:
        for item in funding.lines:
            table = tables[item.mission or GENERAL_PART]
            table.resources.append(Row(item.label, ACI_CATEGORY[item.component], item.amount))
    for line in sorted(lines, key=lambda x: x.number):
        row = Row(line.label, line.category, line.amount, line)
        table = tables[line.part]
        (table.expenses if line.side == Side.EXPENSE else table.resources).append(row)
    order = {category: i for i, category in enumerate(Category.values)}
    for table in tables.values():
        table.expenses.sort(key=lambda r: order[r.category])
        table.resources.sort(key=lambda r: order[r.category])
    return BudgetView(
        budget=budget,
        tables=list(tables.values()),
        population=population,
        population_from_territory=from_territory,
        funding=funding,
        error=error,
        grants=grants,
    )


def side_of(category: str) -> str:
    return Side.EXPENSE if category in EXPENSE_CATEGORIES else Side.RESOURCE
