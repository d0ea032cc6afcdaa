"""Indicator results by contract year, and the attainment rates they give.

Guide (fiche-action template): "Indicateur(s) de résultats retenu(s) par la CPTS (=base de
calcul du financement variable de la mission)"; "Certains indicateurs de suivi peuvent être
aussi retenus pour le calcul du financement variable"; "les parties signataires peuvent
choisir de fixer des indicateurs annuels progressifs afin de valoriser chaque année les
efforts progressifs fournis".

Decided here (the guide leaves it to the contract and the yearly dialogue, declared on /aide/):
- the attainment of an indicator for a year is how far its value went from the baseline
  towards that year's target, (value − baseline) / (target − baseline), kept between 0 and
  100 %; it works both ways: for a decreasing indicator (target below the baseline) going
  down is progress and going up scores 0 %;
- a year without its own target takes the contract target (the same each year);
- the baseline is required: without it the rate is not computed (an error on the indicator,
  never a silent 0 or 100 %);
- a mission's measured attainment is the weighted mean of its retained indicators (weight 1
  each by default: equal weights); it cannot be said while one of them has no rate. The
  dialogue de gestion then agrees the rate actually paid, which may differ.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch, Q

from cpts_portal.lib.versioning import upsert_versioned

from .models import Indicator, IndicatorResult

ZERO, ONE = Decimal(0), Decimal(1)
RATE = Decimal("0.0001")


def definition_error(indicator: Indicator, year: int | None = None) -> str:
    """Why the attainment of `indicator` (for contract `year`) cannot be computed, in French,
    or "" when it can."""
    if indicator.baseline is None:
        return (
            "La valeur de départ manque : sans elle le taux d'atteinte ne peut pas être " "calculé."
        )
    if indicator.target is None:
        return "La cible du contrat manque : sans elle le taux d'atteinte ne peut pas être calculé."
    if indicator.target == indicator.baseline:
        return (
            "La cible du contrat est égale à la valeur de départ : le sens du progrès attendu "
            "n'est pas connu."
        )
    if year is not None:
        target = indicator.target_for(year)
        direction = indicator.target - indicator.baseline
        if (target - indicator.baseline) * direction < 0:
            return f"La cible de l'année {year} va dans le sens contraire de la cible du contrat."
    return ""


def attainment(indicator: Indicator, value, year: int | None = None) -> Decimal | None:
    """The rate (0 to 1) of `value` for `indicator` in contract `year` (None: the contract
    target), or None when there is no value or the rate cannot be computed
    (`definition_error` says why)."""
    if value is None or definition_error(indicator, year):
        return None
    baseline = Decimal(indicator.baseline)
    target = Decimal(indicator.target if year is None else indicator.target_for(year))
    value = Decimal(value)
    if target == baseline:
        # A year whose target is the baseline: holding the ground (or better) is reached.
        direction = Decimal(indicator.target) - baseline
        return ONE if (value - baseline) * direction >= 0 else ZERO
    rate = (value - baseline) / (target - baseline)
    return min(max(rate, ZERO), ONE).quantize(RATE)


def weighted_attainment(pairs) -> Decimal | None:
    """The weighted mean of (weight, rate) pairs; None when empty or one rate is unknown."""
    pairs = list(pairs)
    if not pairs or any(rate is None for _, rate in pairs):
        return None
    total = sum((Decimal(weight) for weight, _ in pairs), ZERO)
    if total <= 0:
        return None
    mean = sum((Decimal(weight) * rate for weight, rate in pairs), ZERO) / total
    return mean.quantize(RATE)


def result_indicators(project, year: int) -> list[Indicator]:
    """The project's result indicators and those retained for the variable funding, with
    their result of `year` (`indicator.result`), rate (`indicator.rate`) and the reason a
    rate cannot be computed (`indicator.rate_error`), in two queries whatever the number of
    fiches."""
    indicators = list(
        Indicator.objects.filter(fiche__project=project)
        .filter(Q(kind=Indicator.Kind.RESULT) | Q(drives_funding=True))
        .select_related("fiche__mission")
        .prefetch_related(
            Prefetch("results", queryset=IndicatorResult.objects.filter(year=year), to_attr="y")
        )
        .order_by("fiche__mission__order", "fiche__number", "position")
    )
    for indicator in indicators:
        indicator.result = indicator.y[0] if indicator.y else None
        indicator.year_target = indicator.target_for(year)
        indicator.rate_error = definition_error(indicator, year)
        value = indicator.result.value if indicator.result else None
        indicator.rate = attainment(indicator, value, year)
    return indicators


def mission_attainment(indicators: list[Indicator], key=None) -> dict[str, Decimal | None]:
    """Mission code -> measured attainment (0 to 1, or None), from `result_indicators`: the
    weighted mean of the mission's retained indicators (None while one has no rate, or when
    none is retained). `key(indicator)` groups them otherwise (e.g. by the funding line)."""
    key = key or (lambda indicator: indicator.fiche.mission.code)
    retained = defaultdict(list)
    for indicator in indicators:
        if indicator.drives_funding:
            retained[key(indicator)].append((indicator.weight, indicator.rate))
    return {code: weighted_attainment(pairs) for code, pairs in retained.items()}


def result_save(
    *, indicator: Indicator, year: int, by, version: int, fields: dict
) -> IndicatorResult:
    """Create or update the result of `indicator` for `year` (`version` 0: none shown yet)."""
    return upsert_versioned(
        IndicatorResult,
        key={"indicator": indicator, "year": year},
        version=version,
        by=by,
        fields=fields,
    )


def contract_indicators(project) -> list[Indicator]:
    """The indicators retained for the variable funding, as the ACI contract lists them
    ("Les indicateurs pris en compte dans le calcul du financement variable"): in the
    missions' order, each with `year_targets` (the target of years 1 to 5, the contract
    target where the year has none), in one query."""
    indicators = list(
        Indicator.objects.filter(fiche__project=project, drives_funding=True)
        .select_related("fiche__mission")
        .order_by("fiche__mission__order", "fiche__number", "position")
    )
    for indicator in indicators:
        indicator.year_targets = [indicator.target_for(year) for year in range(1, 6)]
    return indicators
