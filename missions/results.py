"""Indicator results by contract year, and the attainment rates they give.

Decided here (the guide leaves it to the yearly dialogue): the attainment of a result
indicator is how far its value went from the baseline towards the target,
(value − baseline) / (target − baseline), kept between 0 and 100 %; without a baseline the
start is 0. A mission's measured attainment is that of its indicator retained for the
variable funding; without one, the mean of its result indicators that have a value. The
dialogue de gestion then agrees the rate actually paid, which may differ.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch

from cpts_portal.lib.versioning import upsert_versioned

from .models import Indicator, IndicatorResult

ZERO, ONE = Decimal(0), Decimal(1)


def attainment(indicator: Indicator, value) -> Decimal | None:
    """The rate (0 to 1) of `value` for a result indicator, or None when it can't be said."""
    if value is None or indicator.target is None:
        return None
    start = indicator.baseline if indicator.baseline is not None else ZERO
    span = Decimal(indicator.target) - Decimal(start)
    if span == 0:
        return ONE if Decimal(value) == Decimal(indicator.target) else ZERO
    rate = (Decimal(value) - Decimal(start)) / span
    return min(max(rate, ZERO), ONE).quantize(Decimal("0.0001"))


def result_indicators(project, year: int) -> list[Indicator]:
    """The project's result indicators with their result of `year` (`indicator.result`), in
    two queries whatever the number of fiches."""
    indicators = list(
        Indicator.objects.filter(fiche__project=project, kind=Indicator.Kind.RESULT)
        .select_related("fiche__mission")
        .prefetch_related(
            Prefetch("results", queryset=IndicatorResult.objects.filter(year=year), to_attr="y")
        )
        .order_by("fiche__mission__order", "fiche__number", "position")
    )
    for indicator in indicators:
        indicator.result = indicator.y[0] if indicator.y else None
        indicator.rate = attainment(indicator, indicator.result.value if indicator.result else None)
    return indicators


def mission_attainment(indicators: list[Indicator], key=None) -> dict[str, Decimal | None]:
    """Mission code -> measured attainment (0 to 1, or None), from `result_indicators`.
    `key(indicator)` groups them otherwise (e.g. by the mission's funding line)."""
    key = key or (lambda indicator: indicator.fiche.mission.code)
    retained, others = defaultdict(list), defaultdict(list)
    for indicator in indicators:
        code = key(indicator)
        bucket = retained if indicator.drives_funding else others
        bucket[code].append(indicator.rate)
    rates = {}
    for code in set(retained) | set(others):
        values = [r for r in retained.get(code, []) if r is not None]
        if not values:
            values = [r for r in others.get(code, []) if r is not None]
        rates[code] = (
            (sum(values, ZERO) / len(values)).quantize(Decimal("0.0001")) if values else None
        )
    return rates


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
