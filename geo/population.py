"""Population of a set of communes, counting nobody twice."""

from collections.abc import Iterable

from .models import Commune

# The ACI's size tiers by population, shared by the territory and the funding (domain.md §6,
# "decided here"): < 40 000 → 1; 40 000 to 80 000 inclusive → 2; above 80 000 up to 175 000
# inclusive → 3; above 175 000 → 4.
TIER_UPPER_BOUNDS = ((1, 39_999), (2, 80_000), (3, 175_000))


def size_tier(population: int) -> int:
    """The ACI size tier (1 to 4) of a territory of `population` inhabitants."""
    if population < 0:
        raise ValueError("population cannot be negative")
    for tier, upper in TIER_UPPER_BOUNDS:
        if population <= upper:
            return tier
    return 4


def total_population(communes: Iterable[Commune]) -> int:
    """Sum the population of `communes`, where an arrondissement whose city is also in the
    set is not added again (the city's population already holds it)."""
    communes = list(communes)
    codes = {c.code for c in communes}
    return sum(c.population for c in communes if c.parent_id is None or c.parent_id not in codes)


def overlapping_levels(communes: Iterable[Commune]) -> list[tuple[Commune, Commune]]:
    """Pairs (city, arrondissement) both present: a territory must hold one level only."""
    communes = list(communes)
    by_code = {c.code: c for c in communes}
    return [(by_code[c.parent_id], c) for c in communes if c.parent_id in by_code]
