"""The ACI funding calculation: one rule for every page, export and check.

Amounts come from the barèmes stored in the database (funding.models.Bareme), never from
constants here. Every amount is a Decimal in euros.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Subquery

from cpts_portal.lib.dates import add_months
from geo.population import size_tier

from .models import ANNUAL_COMPONENTS, AciMission, Bareme, BaremeLine, Component

CONTRACT_YEARS = 5
ADVANCE_RATE = Decimal("0.75")
BALANCE_DELAY_MONTHS = 2
CENT = Decimal("0.01")


class FundingError(ValueError):
    """A request the calculation cannot answer; the message is French, for forms."""


# --- Results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingLine:
    label: str
    mission: str  # "" for the functioning lines
    component: str  # funding.models.Component value
    amount: Decimal  # what is due for the year (variable: base × attainment)
    base: Decimal  # the barème amount (at 100 % for a variable part)
    rate: Decimal = Decimal(1)  # attainment, for a variable part

    @property
    def is_variable(self) -> bool:
        return self.component == "VARIABLE"

    @property
    def mission_label(self) -> str:
        return mission_labels().get(self.mission, "Fonctionnement général")

    @property
    def is_functioning(self) -> bool:
        return self.component in ("FUNCTIONING", "FUNCTIONING_FIRST_YEAR")


def _sum(lines: Iterable[FundingLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0))


@dataclass(frozen=True)
class Funding:
    """The ACI funding of one contract year."""

    bareme: str
    tier: int
    population: int
    missions: tuple[str, ...]
    snp_orientation: bool
    lines: tuple[FundingLine, ...]
    one_off: tuple[FundingLine, ...] = ()  # amounts outside the yearly funding

    @property
    def total(self) -> Decimal:
        return _sum(self.lines)

    @property
    def fixed_total(self) -> Decimal:
        """Everything not subject to attainment, functioning included."""
        return _sum(line for line in self.lines if not line.is_variable)

    @property
    def variable_total(self) -> Decimal:
        return _sum(line for line in self.lines if line.is_variable)

    @property
    def functioning_total(self) -> Decimal:
        return _sum(line for line in self.lines if line.is_functioning)

    @property
    def mission_fixed_total(self) -> Decimal:
        return self.fixed_total - self.functioning_total

    @property
    def variable_base_total(self) -> Decimal:
        return sum((line.base for line in self.lines if line.is_variable), Decimal(0))

    def for_mission(self, mission: str) -> list[FundingLine]:
        return [line for line in self.lines if line.mission == mission]


@dataclass(frozen=True)
class Payment:
    date: dt.date
    year: int  # contract year 1 to 5
    kind: str  # "start" (functioning + advance) or "balance"
    label: str
    lines: tuple[FundingLine, ...] = field(default_factory=tuple)

    @property
    def amount(self) -> Decimal:
        return _sum(self.lines)


# --- Barèmes ---------------------------------------------------------------------------------


def mission_labels() -> dict[str, str]:
    return dict(AciMission.choices)


def _first_with_lines(queryset) -> Bareme | None:
    """The first barème of `queryset` with its lines, in one query: the lines are read with
    their barème, which keeps them (Bareme.line_list)."""
    lines = list(
        BaremeLine.objects.select_related("bareme").filter(
            bareme=Subquery(queryset.values("pk")[:1])
        )
    )
    if not lines:
        return queryset.first()  # none, or a barème without lines
    bareme = lines[0].bareme
    for line in lines:
        line.bareme = bareme
    bareme.__dict__["line_list"] = lines  # Bareme.line_list (a cached_property) is read
    return bareme


def get_bareme(bareme=None, *, on: dt.date | None = None):
    """The barème named `bareme` (or given), else the one in force `on` a date, else the latest,
    with its lines (one query)."""

    if isinstance(bareme, Bareme):
        return bareme
    if bareme:
        found = _first_with_lines(Bareme.objects.filter(name=bareme))
        if found is None:
            raise FundingError(f"Le barème « {bareme} » n'existe pas.")
        return found
    if on:
        in_force = Bareme.objects.filter(effective_date__lte=on).order_by("-effective_date")
        # Before the first barème's date of effect, the earliest one applies.
        found = _first_with_lines(in_force) or _first_with_lines(
            Bareme.objects.order_by("effective_date")
        )
    else:
        found = _first_with_lines(Bareme.objects.latest_first())
    if found is None:
        raise FundingError(
            "Aucun barème ACI n'est enregistré : un administrateur doit en saisir un."
        )
    return found


def _quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _rate(value, label: str) -> Decimal:
    try:
        rate = Decimal(str(value))
    except ArithmeticError:
        raise FundingError(
            f"Le taux d'atteinte de la mission « {label} » n'est pas un nombre."
        ) from None
    if not rate.is_finite() or rate < 0 or rate > 1:
        raise FundingError(
            f"Le taux d'atteinte de la mission « {label} » doit être compris entre 0 et 100 %."
        )
    return rate


def annual_funding(
    *,
    population: int,
    missions: Iterable[str],
    snp_orientation: bool = False,
    attainment: Mapping[str, float] | None = None,
    bareme=None,
    on: dt.date | None = None,
    contract_year: int | None = None,
) -> Funding:
    """The ACI funding of one year for a territory of `population` and its missions.

    `attainment` maps a mission code to its rate (0 to 1; a mission not in it counts at 1).
    `bareme` is a barème name (or object); without it, the barème in force `on` a date, else
    the latest. `contract_year=1` adds the first-year lines some barèmes have.
    """

    labels = mission_labels()
    missions = tuple(dict.fromkeys(missions))
    for code in missions:
        if code not in labels:
            raise FundingError(f"La mission « {code} » n'existe pas.")
    if population is None or int(population) < 0:
        raise FundingError("La population du territoire doit être un nombre positif.")
    rates = {}
    for code, value in (attainment or {}).items():
        if code not in labels:
            raise FundingError(f"La mission « {code} » n'existe pas.")
        rates[code] = _rate(value, labels[code])

    scale = get_bareme(bareme, on=on)
    tier = size_tier(int(population))
    rows = {(line.component, line.mission): line for line in scale.line_list}
    funded = {mission for _, mission in rows if mission}
    for code in missions:
        if code not in funded:
            raise FundingError(
                f"Le barème {scale.name} ne finance pas la mission « {labels[code]} »."
            )

    def line(component, mission="", rate=Decimal(1), label=""):
        row = rows.get((component, mission))
        if row is None:
            return None
        base = row.amount_for(tier)
        return FundingLine(
            label=label or Component(component).label,
            mission=mission,
            component=component,
            amount=_quantize(base * rate),
            base=base,
            rate=rate,
        )

    lines = [line(Component.FUNCTIONING)]
    if contract_year == 1:
        lines.append(line(Component.FUNCTIONING_FIRST_YEAR))
    for code in labels:  # the catalogue order
        if code not in missions:
            continue
        lines.append(line(Component.FIXED, code))
        if code == "acces_soins":
            lines.append(line(Component.SNP_COMPENSATION, code))
            if snp_orientation:
                lines.append(line(Component.SNP_ORIENTATION, code))
        lines.append(line(Component.VARIABLE, code, rates.get(code, Decimal(1))))
    one_off = [
        line(component, mission)
        for component, mission in rows
        if component not in ANNUAL_COMPONENTS and (not mission or mission in missions)
    ]
    return Funding(
        bareme=scale.name,
        tier=tier,
        population=int(population),
        missions=missions,
        snp_orientation=snp_orientation,
        lines=tuple(item for item in lines if item is not None),
        one_off=tuple(item for item in one_off if item is not None),
    )


def anniversary(signature_date: dt.date, year: int) -> dt.date:
    """The start of contract year `year + 1` (year 0 = the signature)."""
    return add_months(signature_date, 12 * year)


def payment_schedule(
    *,
    signature_date: dt.date,
    population: int,
    missions: Iterable[str],
    snp_orientation: bool = False,
    attainment: Mapping[str, float] | None = None,
    bareme=None,
    years: int = CONTRACT_YEARS,
) -> list[Payment]:
    """The payments of a contract signed on `signature_date`, in date order.

    Each contract year: at its start, the functioning amount and the 75 % advance of the
    fixed parts; within 2 months after its anniversary (the date shown is the latest one), its
    balance — the other 25 % of the fixed parts and the variable parts × attainment.
    Without `bareme`, the barème in force at the signature applies.
    """
    scale = get_bareme(bareme, on=signature_date)
    missions = tuple(missions)
    payments = []
    for year in range(1, years + 1):
        funding = annual_funding(
            population=population,
            missions=missions,
            snp_orientation=snp_orientation,
            attainment=attainment,
            bareme=scale,
            contract_year=year,
        )
        payments.extend(year_payments(funding, signature_date=signature_date, year=year))
    payments.sort(key=lambda p: (p.date, p.kind != "balance"))
    return payments


def year_payments(funding: Funding, *, signature_date: dt.date, year: int) -> list[Payment]:
    """The two payments of contract year `year` of `funding` (its annual funding): at its
    start, the functioning amount and the 75 % advance of the fixed parts; within 2 months
    after its anniversary, the other 25 % and the variable parts × attainment."""
    start, balance = [], []
    for item in funding.lines:
        if item.is_functioning:
            start.append(item)
        elif item.is_variable:
            balance.append(item)
        else:
            advance = _quantize(item.amount * ADVANCE_RATE)
            start.append(_part(item, advance, "avance de 75 %"))
            balance.append(_part(item, item.amount - advance, "solde de 25 %"))
    return [
        Payment(
            date=anniversary(signature_date, year - 1),
            year=year,
            kind="start",
            label=(
                "À la signature : fonctionnement et avance"
                if year == 1
                else f"Début de l'année {year} : fonctionnement et avance"
            ),
            lines=tuple(start),
        ),
        Payment(
            date=add_months(anniversary(signature_date, year), BALANCE_DELAY_MONTHS),
            year=year,
            kind="balance",
            label=f"Solde de l'année {year} (au plus tard)",
            lines=tuple(balance),
        ),
    ]


def _part(item: FundingLine, amount: Decimal, what: str) -> FundingLine:
    return FundingLine(
        label=f"{item.label} — {what}",
        mission=item.mission,
        component=item.component,
        amount=amount,
        base=item.base,
        rate=item.rate,
    )


def yearly_totals(payments: Iterable[Payment]) -> dict[int, Decimal]:
    """Contract year → what is paid for it (whatever the date of the payment)."""
    totals: dict[int, Decimal] = {}
    for payment in payments:
        totals[payment.year] = totals.get(payment.year, Decimal(0)) + payment.amount
    return totals
