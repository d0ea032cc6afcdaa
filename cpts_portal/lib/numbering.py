"""Per-parent sequence numbers (n° 1, 2, 3… of a project's members, a fiche's rows…)."""

from django.db.models import Max


def next_number(queryset, field: str = "number") -> int:
    """One more than the highest `field` of `queryset` (1 when it is empty).

    Lock-free: when two creations may race, the caller locks the parent row (the project,
    the fiche) inside its transaction before asking; a unique constraint stays the guard."""
    top = queryset.aggregate(top=Max(field))["top"]
    return (top or 0) + 1
