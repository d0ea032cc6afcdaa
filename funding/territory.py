"""The population of a project's territory, as the territory app computes it (the one tie
of funding to diagnostics: the budget and the ACI funding follow the territory's size)."""

from diagnostics.territory import territory_population as _population


def territory_population(project) -> int | None:
    value = _population(project)
    return int(value) if value else None
