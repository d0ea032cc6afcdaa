"""A funding simulation: the year's breakdown, the 5 contract years and the payments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from . import calculator
from .budget import budget_population
from .forms import SimulationForm
from .models import SOCLE_2019, AciMission, Bareme, Budget
from .territory import territory_population

CHART_HEIGHT = 220
CHART_BAR = 56
CHART_GAP = 36
CHART_LEFT = 90
CHART_TOP = 16
SEGMENTS = [
    ("functioning", "Fonctionnement"),
    ("fixed", "Missions — volets fixes"),
    ("variable", "Missions — volets variables"),
]
COLOURS = {"functioning": "#1f4e79", "fixed": "#4f8fc0", "variable": "#e0a100"}


def _c(value) -> str:
    """An SVG coordinate, never localised (a French comma would break the drawing)."""
    return f"{Decimal(value):.1f}"


@dataclass
class Simulation:
    funding: calculator.Funding
    years: list[calculator.Funding]  # contract years 1 to 5
    payments: list[calculator.Payment]
    signature_date: dt.date

    @property
    def five_year_total(self) -> Decimal:
        return sum((year.total for year in self.years), Decimal(0))

    @property
    def payments_total(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))

    def chart(self) -> dict:
        return bar_chart(self.years)


def simulate(
    *,
    population: int,
    missions,
    snp_orientation: bool = False,
    attainment=None,
    bareme: str | None = None,
    signature_date: dt.date | None = None,
) -> Simulation:
    """A simulation uses the latest barème unless one is named."""
    signature_date = signature_date or dt.date.today()
    scale = calculator.get_bareme(bareme or None)
    kwargs = {
        "population": population,
        "missions": list(missions),
        "snp_orientation": snp_orientation,
        "attainment": attainment,
        "bareme": scale,
    }
    funding = calculator.annual_funding(**kwargs)
    years = [
        calculator.annual_funding(**kwargs, contract_year=year)
        for year in range(1, calculator.CONTRACT_YEARS + 1)
    ]
    payments = calculator.payment_schedule(signature_date=signature_date, **kwargs)
    return Simulation(
        funding=funding, years=years, payments=payments, signature_date=signature_date
    )


# --- Parameters: JSON, as a project's document keeps them (projects.Document.params) --------


def simulation_params(form) -> dict:
    """The parameters of a valid SimulationForm, as JSON."""

    data = form.cleaned_data
    chosen = set(data["missions"])
    return {
        "population": data["population"],
        "missions": [code for code in AciMission.values if code in chosen],
        "snp_orientation": bool(data["snp_orientation"]),
        "attainment": {code: str(rate) for code, rate in sorted(form.attainment().items())},
        "bareme": data["bareme"] or "",
        "signature_date": (data["signature_date"] or dt.date.today()).isoformat(),
    }


def simulate_params(params: dict) -> Simulation:
    """The simulation of parameters made by `simulation_params` or `project_params`."""
    return simulate(
        population=params["population"],
        missions=params["missions"],
        snp_orientation=params["snp_orientation"],
        attainment={code: Decimal(rate) for code, rate in params["attainment"].items()},
        bareme=params["bareme"] or None,
        signature_date=dt.date.fromisoformat(params["signature_date"]),
    )


def query_params(query) -> dict:
    """The parameters of the simulator's query (a QueryDict), checked the way the simulator
    checks them; FundingError, in French, when they make no simulation."""

    form = SimulationForm(query, baremes=Bareme.objects.latest_first())
    if not form.is_valid():
        raise calculator.FundingError(
            "Les paramètres de la simulation ne sont pas valides : refaites le calcul."
        )
    params = simulation_params(form)
    simulate_params(params)  # FundingError when the barème cannot fund what is asked
    return params


def project_defaults(project) -> dict:
    """What the project's own data say of its simulation: its budget's settings, else its
    territory's population (values may be missing)."""

    budget = Budget.objects.filter(project=project).first()
    if budget is None:
        return {"population": territory_population(project)}
    population, _ = budget_population(budget)
    return {
        "population": population,
        "missions": list(budget.missions),
        "snp_orientation": budget.snp_orientation,
        "signature_date": budget.signature_date,
    }


def project_params(project) -> dict:
    """The parameters of the project's simulation from its own data, as the project's
    simulator page starts (socle missions when none is chosen, results at 100 %)."""

    defaults = project_defaults(project)
    chosen = set(defaults.get("missions") or SOCLE_2019)
    signed = defaults.get("signature_date")
    return {
        "population": defaults.get("population") or 0,
        "missions": [code for code in AciMission.values if code in chosen],
        "snp_orientation": bool(defaults.get("snp_orientation")),
        "attainment": {},
        # A signed contract keeps the barème in force at its signature.
        "bareme": calculator.get_bareme(on=signed).name if signed else "",
        "signature_date": (signed or dt.date.today()).isoformat(),
    }


def _nice_max(value: Decimal) -> int:
    step = 50_000
    return max(step, int((value + step - 1) // step * step))


def bar_chart(years: list[calculator.Funding]) -> dict:
    """Coordinates of a stacked bar chart (one bar per contract year), for an SVG template."""
    top = _nice_max(max((y.total for y in years), default=Decimal(0)))
    scale = Decimal(CHART_HEIGHT) / top
    bottom = CHART_TOP + CHART_HEIGHT
    bars = []
    for index, year in enumerate(years):
        x = CHART_LEFT + CHART_GAP // 2 + index * (CHART_BAR + CHART_GAP)
        values = {
            "functioning": year.functioning_total,
            "fixed": year.mission_fixed_total,
            "variable": year.variable_total,
        }
        y = Decimal(bottom)
        segments = []
        for key, label in SEGMENTS:
            height = values[key] * scale
            y -= height
            segments.append(
                {
                    "key": key,
                    "label": label,
                    "amount": values[key],
                    "colour": COLOURS[key],
                    "y": _c(y),
                    "height": _c(height),
                    "visible": height > 0,
                }
            )
        bars.append(
            {
                "year": index + 1,
                "x": _c(x),
                "center": _c(x + CHART_BAR / 2),
                "total": year.total,
                "total_y": _c(y - 6),
                "segments": segments,
            }
        )
    ticks = [
        {"value": top * i // 4, "y": _c(bottom - Decimal(CHART_HEIGHT) * i / 4)} for i in range(5)
    ]
    width = CHART_LEFT + len(years) * (CHART_BAR + CHART_GAP) + 10
    return {
        "width": _c(width),
        "height": _c(bottom + 30),
        "left": _c(CHART_LEFT),
        "tick_x": _c(CHART_LEFT - 6),
        "right": _c(width - 10),
        "label_y": _c(bottom + 20),
        "bar_width": _c(CHART_BAR),
        "bars": bars,
        "ticks": ticks,
        "legend": [(key, label, COLOURS[key]) for key, label in SEGMENTS],
    }
