"""The geographic referential: régions, départements, EPCI and communes of France.

Loaded from the data file derived from @etalab/decoupage-administratif (see geo/data/).
Codes are the official INSEE / SIREN codes and serve as primary keys so that a reload
keeps every reference stable.
"""

from django.db import models


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = "région"

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    code = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature juridique", max_length=10, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def search(self, text: str):
        """Communes whose name, INSEE code or postal code starts with `text`."""
        text = text.strip()
        if not text:
            return self.none()
        if text.isdigit() or (len(text) <= 5 and text[:2].upper() in ("2A", "2B")):
            return self.filter(
                models.Q(code__startswith=text.upper()) | models.Q(postal_codes__contains=text)
            )
        return self.filter(name__icontains=text)


class Commune(models.Model):
    """A commune, or an arrondissement municipal of Paris, Lyon or Marseille.

    A CPTS of those cities is drawn by arrondissement, so both levels exist; `parent` ties an
    arrondissement to its city, and territory code must never count a city together with
    one of its arrondissements (see geo.population).
    """

    class Kind(models.TextChoices):
        COMMUNE = "COMMUNE", "commune"
        ARRONDISSEMENT = "ARRONDISSEMENT", "arrondissement municipal"

    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100, db_index=True)
    kind = models.CharField("type", max_length=14, choices=Kind.choices, default=Kind.COMMUNE)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrondissements",
        verbose_name="commune de rattachement",
    )
    # Space-separated, e.g. "34000 34070 34080": enough for search, no join needed.
    postal_codes = models.CharField("codes postaux", max_length=200, blank=True)
    population = models.PositiveIntegerField("population municipale", default=0)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["name", "code"]
        verbose_name = "commune"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="COMMUNE", parent__isnull=True)
                | models.Q(kind="ARRONDISSEMENT", parent__isnull=False),
                name="geo_commune_parent_only_for_arrondissement",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()
