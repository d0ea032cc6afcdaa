"""The ACI funding calculation: one rule for every page, export and check."""

# Size tiers by population (domain.md §6, "decided here"): < 40 000 → 1; 40 000 to 80 000
# inclusive → 2; above 80 000 up to 175 000 inclusive → 3; above 175 000 → 4.
TIER_UPPER_BOUNDS = ((1, 39_999), (2, 80_000), (3, 175_000))


def size_tier(population: int) -> int:
    """The ACI size tier (1 to 4) of a territory of `population` inhabitants."""
    if population < 0:
        raise ValueError("population cannot be negative")
    for tier, upper in TIER_UPPER_BOUNDS:
        if population <= upper:
            return tier
    return 4
