"""Population of a set of communes, counting nobody twice."""

from collections.abc import Iterable

from .models import Commune


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
