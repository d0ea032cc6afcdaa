"""The territory of a project (its communes) and its diagnostic territorial.

The territory is a set of communes of the referential (geo); its population and size tier
are always computed from the communes (diagnostics.territory), never typed. Each change of
the set is one `TerritoryChange` row (who, when, what, population and tier before/after) and
bumps the territory's version, so the history reads like a journal.

The diagnostic is part 1 of the projet de santé: one `DiagnosticSection` per theme (free text
+ structured indicators), and the needs identified (`Need`, with a stable identifier B1, B2…
that fiches-actions point to).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cpts_portal.lib.versioning import Versioned

from .formatting import format_value

# An indicator whose data year is more than this many years before the current year is
# shown as stale (data too old to support the projet de santé without a check).
STALE_AFTER_YEARS = 3


class Territory(Versioned):
    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="territory"
    )
    communes = models.ManyToManyField(
        "geo.Commune",
        through="TerritoryCommune",
        related_name="territories",
        verbose_name="communes",
    )
    # Last computed values, kept so that the history shows when the tier changed.
    population = models.PositiveIntegerField("population", default=0)
    tier = models.PositiveSmallIntegerField("taille ACI", default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "territoire"

    def __str__(self):
        return f"Territoire de {self.project}"


class TerritoryCommune(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="memberships")
    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, related_name="territory_memberships"
    )
    added_at = models.DateTimeField("ajoutée le", auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "commune du territoire"
        verbose_name_plural = "communes du territoire"
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "commune"], name="diagnostics_territory_commune_once"
            )
        ]

    def __str__(self):
        return f"{self.commune} ∈ {self.territory}"


class TerritoryChange(models.Model):
    """One change of a territory's communes: the journal shown on the territory page."""

    class Action(models.TextChoices):
        ADD = "ADD", "ajout"
        REMOVE = "REMOVE", "retrait"

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField("action", max_length=6, choices=Action.choices)
    # What the user acted on: "Saint-Martin-de-Londres (34274)" or "CC du Grand Pic
    # Saint-Loup (EPCI 200022986)"; the codes list every commune concerned.
    subject = models.CharField("objet", max_length=250)
    commune_codes = models.TextField("codes INSEE", blank=True)
    commune_count = models.PositiveIntegerField("nombre de communes", default=0)
    population_before = models.PositiveIntegerField("population avant", default=0)
    population_after = models.PositiveIntegerField("population après", default=0)
    tier_before = models.PositiveSmallIntegerField("taille avant", default=1)
    tier_after = models.PositiveSmallIntegerField("taille après", default=1)
    version = models.PositiveIntegerField("version du territoire", default=1)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "modification du territoire"
        verbose_name_plural = "modifications du territoire"

    def __str__(self):
        return f"{self.get_action_display()} : {self.subject}"

    @property
    def tier_changed(self) -> bool:
        return self.tier_before != self.tier_after


class DiagnosticSection(Versioned):
    """One theme of the diagnostic territorial (part 1 of the projet de santé)."""

    class Key(models.TextChoices):
        METHOD = "methode", "Méthode"
        POPULATION = "population", "Population"
        SUPPLY = "offre-de-soins", "Offre de soins"
        CONSUMPTION = "consommation", "Consommation de soins et flux de patients"
        ACTORS = "acteurs", "Acteurs existants et coordination"
        ACCESS = "acces-aux-soins", "Problèmes d'accès aux soins"
        NEEDS = "besoins", "Besoins identifiés"
        SWOT = "forces-faiblesses", "Forces et faiblesses"
        LEADS = "pistes", "Pistes stratégiques"
        # Sections of the projet de santé's part 3, written like the diagnostic's.
        PRS = "prs", "Cohérence avec le Projet régional de santé"
        USAGERS = "usagers", "Implication des usagers"
        COORDINATION = "coordination", "Organisation de la coordination"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="diagnostic_sections"
    )
    key = models.CharField("section", max_length=20, choices=Key.choices)
    text = models.TextField("texte", blank=True)
    # A plain-text rendering of the section's indicators (and needs), rewritten at each
    # save, so that the section's history shows what changed in them as a diff.
    indicators_text = models.TextField("indicateurs", blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "section du diagnostic"
        verbose_name_plural = "sections du diagnostic"
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="diagnostics_section_once")
        ]

    def __str__(self):
        return f"{self.get_key_display()} — {self.project}"

    @property
    def order(self) -> int:
        return list(self.Key.values).index(self.key)


# The sections the projet de santé prints in its part 3 (organisation), not in the
# diagnostic (part 1). Guide: "Le projet de santé devra bien évidemment être en cohérence avec
# les objectifs et parcours prioritaires identifiés dans le Projet Régional de Santé" (the ARS
# may oppose it "en se fondant sur l'absence de respect des objectifs du PRS"); the usagers
# "doivent nécessairement être impliqués dans l'élaboration de projet de santé"; "La
# désignation de « pilotes » ou « référents » pour chacune des missions retenues paraît
# indispensable pour assurer l'organisation [...]".
PROJECT_SECTION_KEYS = (
    DiagnosticSection.Key.PRS,
    DiagnosticSection.Key.USAGERS,
    DiagnosticSection.Key.COORDINATION,
)
DIAGNOSTIC_SECTION_KEYS = tuple(
    key for key in DiagnosticSection.Key if key not in PROJECT_SECTION_KEYS
)


class DiagnosticFigure(models.Model):
    """A figure of the diagnostic: value for the territory, and a reference to compare."""

    class Kind(models.TextChoices):
        INDICATOR = "INDICATOR", "indicateur"
        AGE_BRACKET = "AGE_BRACKET", "tranche d'âge"

    section = models.ForeignKey(
        DiagnosticSection, on_delete=models.CASCADE, related_name="indicators"
    )
    kind = models.CharField("type", max_length=12, choices=Kind.choices, default=Kind.INDICATOR)
    label = models.CharField("indicateur", max_length=200)
    area = models.CharField("zone", max_length=120, blank=True)
    value = models.DecimalField("valeur", max_digits=14, decimal_places=3)
    unit = models.CharField("unité", max_length=40, blank=True)
    year = models.PositiveSmallIntegerField("année")
    source = models.CharField("source", max_length=200)
    comparison_value = models.DecimalField(
        "valeur de comparaison", max_digits=14, decimal_places=3, null=True, blank=True
    )
    comparison_label = models.CharField("comparé à", max_length=80, blank=True)
    position = models.PositiveIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "indicateur"

    def __str__(self):
        return self.label

    @property
    def is_stale(self) -> bool:
        return self.year < dt.date.today().year - STALE_AFTER_YEARS

    @property
    def display_value(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def display_comparison(self) -> str:
        return format_value(self.comparison_value, self.unit)


class NeedQuerySet(models.QuerySet):
    def active(self):
        """The needs fiches-actions may point to (withdrawn ones keep their code)."""
        return self.filter(withdrawn=False)


class Need(Versioned):
    """A need identified by the diagnostic; fiches-actions point to it by its code (B1…)."""

    class Priority(models.TextChoices):
        HIGH = "HIGH", "haute"
        MEDIUM = "MEDIUM", "moyenne"
        LOW = "LOW", "basse"

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="needs")
    # Never reused, even after a withdrawal: "B3" keeps meaning the same need.
    number = models.PositiveIntegerField("numéro")
    label = models.CharField("besoin", max_length=300)
    source = models.CharField("source", max_length=200)
    priority = models.CharField(
        "priorité", max_length=6, choices=Priority.choices, default=Priority.MEDIUM
    )
    withdrawn = models.BooleanField("retiré", default=False)

    history = HistoricalRecords()
    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = "besoin"
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="diagnostics_need_number")
        ]

    def __str__(self):
        return f"{self.code} — {self.label}"

    @property
    def code(self) -> str:
        return f"B{self.number}"
