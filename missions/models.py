from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cpts_portal.lib.versioning import Versioned


class Mission(models.Model):
    """One mission of the ACI (catalogue shipped as data by the app's first migration).
    `kind` is the mission's nature in its text of origin; which missions a project must
    cover is said by the barème that applies to it (missions.checks.required_missions)."""

    class Kind(models.TextChoices):
        SOCLE = "SOCLE", "socle"
        COMPLEMENTAIRE = "COMPLEMENTAIRE", "complémentaire"

    class Regime(models.TextChoices):
        ACI_2019 = "ACI_2019", "ACI de 2019"
        AVENANT_2 = "AVENANT_2", "avenant 2 (décembre 2021)"

    code = models.CharField("code", max_length=4, unique=True)
    name = models.CharField("intitulé", max_length=200)
    short_name = models.CharField("intitulé court", max_length=80)
    kind = models.CharField("nature", max_length=16, choices=Kind.choices)
    # Months after the ACI signature; null = free (complementary missions).
    start_months = models.PositiveSmallIntegerField("démarrage (mois)", null=True, blank=True)
    deployment_months = models.PositiveSmallIntegerField(
        "déploiement complet (mois)", null=True, blank=True
    )
    regime = models.CharField("texte d'origine", max_length=12, choices=Regime.choices)
    # The funding line of the ACI barème (read by the funding app through this string).
    funding_code = models.CharField("ligne de financement", max_length=20)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = "mission"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_months__isnull=True)
                | Q(deployment_months__isnull=True)
                | Q(deployment_months__gte=models.F("start_months")),
                name="missions_mission_deployment_after_start",
            ),
        ]

    def __str__(self):
        return f"Mission {self.code} — {self.short_name}"


class FicheQuerySet(models.QuerySet):
    def for_display(self):
        return self.select_related("mission", "pilot")


class Fiche(Versioned):
    """A fiche-action (Annexe 7 of the guide): one action of the projet de santé."""

    # The action's own texts, in the template's order: what an example of the library fills
    # (examples.catalogue) and what the demo writes.
    TEXT_FIELDS = (
        "problems",
        "objectives",
        "target_public",
        "milestones",
        "means_logistic",
        "means_digital",
        "means_human",
        "resources_available",
        "obstacles",
        "levers",
    )

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="fiches", verbose_name="projet"
    )
    # Per-project sequence used in URLs; never reused (see services.fiche_create).
    number = models.PositiveIntegerField("numéro", editable=False)
    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, related_name="fiches", verbose_name="mission concernée"
    )
    title = models.CharField("libellé de l'action", max_length=250)
    # The pilot: a member of the CPTS and/or an outside person.
    pilot = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="piloted_fiches",
        verbose_name="pilote (membre de la CPTS)",
    )
    pilot_name = models.CharField("pilote extérieur : nom et prénom", max_length=150, blank=True)
    pilot_profession = models.CharField("pilote extérieur : profession", max_length=120, blank=True)
    pilot_contact = models.TextField("pilote extérieur : adresse, téléphone, e-mail", blank=True)
    # Problems observed: the diagnostic's needs this action answers, and a text for what the
    # needs don't say.
    needs = models.ManyToManyField(
        "diagnostics.Need", blank=True, related_name="fiches", verbose_name="besoins du diagnostic"
    )
    problems = models.TextField("problématiques constatées", blank=True)
    objectives = models.TextField("objectif(s) opérationnel(s)", blank=True)
    target_public = models.TextField("public cible", blank=True)
    start_date = models.DateField("démarrage prévu", null=True, blank=True)
    milestones = models.TextField("étapes", blank=True)
    end_date = models.DateField("échéance finale", null=True, blank=True)
    means_logistic = models.TextField("moyens logistiques", blank=True)
    means_digital = models.TextField("moyens numériques / informatiques", blank=True)
    means_human = models.TextField("moyens humains", blank=True)
    resources_available = models.TextField("ressources déjà disponibles", blank=True)
    obstacles = models.TextField("freins", blank=True)
    levers = models.TextField("leviers", blank=True)
    budget = models.DecimalField(
        "budget estimé (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[needs])
    objects = FicheQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = "fiche-action"
        verbose_name_plural = "fiches-actions"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="missions_fiche_number_per_project"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="missions_fiche_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="missions_fiche_budget_not_negative",
            ),
        ]

    def __str__(self):
        return f"Fiche {self.number} — {self.title}"

    @property
    def pilot_label(self) -> str:
        names = []
        if self.pilot_id:
            names.append(str(self.pilot))
        if self.pilot_name:
            names.append(self.pilot_name)
        return " et ".join(names)

    @property
    def has_pilot(self) -> bool:
        return bool(self.pilot_id or self.pilot_name.strip())


class FicheRow(Versioned):
    """A row of a fiche (sub-action, indicator, working-group member): ordered by
    `position`, named in URLs by `number` (a per-fiche sequence, never reused). Each
    subclass declares its `fiche` foreign key (its own related name)."""

    number = models.PositiveIntegerField("numéro", editable=False)
    position = models.PositiveIntegerField("position", editable=False)

    class Meta:
        abstract = True
        ordering = ["position", "number"]


class SubAction(FicheRow):
    class Status(models.TextChoices):
        PLANNED = "PLANNED", "à faire"
        ONGOING = "ONGOING", "en cours"
        DONE = "DONE", "réalisée"
        DROPPED = "DROPPED", "abandonnée"

    fiche = models.ForeignKey(
        Fiche, on_delete=models.CASCADE, related_name="sub_actions", verbose_name="fiche"
    )
    what = models.TextField("quoi")
    who = models.CharField("qui", max_length=250, blank=True)
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)
    status = models.CharField("état", max_length=8, choices=Status.choices, default=Status.PLANNED)

    history = HistoricalRecords()

    class Meta(FicheRow.Meta):
        verbose_name = "sous-action"
        constraints = [
            models.UniqueConstraint(
                fields=["fiche", "number"], name="missions_subaction_number_per_fiche"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="missions_subaction_end_after_start",
            ),
        ]

    def __str__(self):
        return self.what[:80]


def _year_target(year: int):
    return models.DecimalField(
        f"cible de l'année {year}", max_digits=14, decimal_places=2, null=True, blank=True
    )


class Indicator(FicheRow):
    class Kind(models.TextChoices):
        FOLLOW_UP = "FOLLOW_UP", "suivi"
        RESULT = "RESULT", "résultat"

    fiche = models.ForeignKey(
        Fiche, on_delete=models.CASCADE, related_name="indicators", verbose_name="fiche"
    )
    name = models.CharField("indicateur", max_length=250)
    kind = models.CharField("type", max_length=10, choices=Kind.choices, default=Kind.FOLLOW_UP)
    baseline = models.DecimalField(
        "valeur de départ", max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        "cible du contrat", max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField("unité", max_length=60, blank=True)
    source = models.CharField("source des données", max_length=200, blank=True)
    frequency = models.CharField("fréquence de mesure", max_length=60, blank=True)
    # Guide (Fixation des indicateurs): "Certains indicateurs de suivi peuvent être aussi
    # retenus pour le calcul du financement variable"; fiche template: "Indicateur(s) de
    # résultats retenu(s) par la CPTS (=base de calcul du financement variable de la mission)".
    # Any number per mission, result or follow-up (missions.results.mission_attainment).
    drives_funding = models.BooleanField("retenu pour la rémunération variable", default=False)
    # Relative weight among the mission's retained indicators (portal's choice: 1 each, so
    # equal weights unless the contract says otherwise).
    weight = models.DecimalField(
        "poids",
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Poids relatif parmi les indicateurs retenus de la mission (1 chacun : "
        "poids égaux).",
    )
    # Guide: "les parties signataires peuvent choisir de fixer des indicateurs annuels
    # progressifs". Blank = the contract target (`target`) that year.
    target_year_1 = _year_target(1)
    target_year_2 = _year_target(2)
    target_year_3 = _year_target(3)
    target_year_4 = _year_target(4)
    target_year_5 = _year_target(5)

    history = HistoricalRecords()

    class Meta(FicheRow.Meta):
        verbose_name = "indicateur"
        constraints = [
            models.UniqueConstraint(
                fields=["fiche", "number"], name="missions_indicator_number_per_fiche"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0), name="missions_indicator_weight_gt_0"
            ),
        ]

    def target_for(self, year: int):
        """The target of contract year `year`: its own, else the contract target."""
        own = getattr(self, f"target_year_{year}", None) if 1 <= year <= 5 else None
        return self.target if own is None else own

    def __str__(self):
        return self.name


class WorkingGroupMember(FicheRow):
    fiche = models.ForeignKey(
        Fiche, on_delete=models.CASCADE, related_name="members", verbose_name="fiche"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="membre de la CPTS",
    )
    name = models.CharField("personne extérieure : nom et prénom", max_length=150, blank=True)
    profession = models.CharField("profession", max_length=120, blank=True)
    contact = models.CharField("adresse, téléphone, e-mail", max_length=250, blank=True)

    history = HistoricalRecords()

    class Meta(FicheRow.Meta):
        verbose_name = "membre du groupe de travail"
        verbose_name_plural = "membres du groupe de travail"
        constraints = [
            models.UniqueConstraint(
                fields=["fiche", "number"], name="missions_member_number_per_fiche"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""),
                name="missions_member_is_someone",
            ),
        ]

    def __str__(self):
        return str(self.user) if self.user_id else self.name


def evidence_path(instance, filename):
    # Not guessable: evidence files are served only through a view that checks access.
    import secrets

    return f"missions/resultats/{secrets.token_hex(16)}/{filename}"


class IndicatorResult(Versioned):
    """The measured value of an indicator for one year of the ACI contract (the material of
    the yearly dialogue de gestion), with its evidence: a comment and/or a document."""

    YEARS = 5

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="results", verbose_name="indicateur"
    )
    year = models.PositiveSmallIntegerField("année du contrat")
    value = models.DecimalField("valeur mesurée", max_digits=14, decimal_places=2)
    measured_on = models.DateField("mesurée le")
    comment = models.TextField("commentaire, source de la preuve", blank=True)
    evidence = models.FileField("pièce justificative", upload_to=evidence_path, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = "résultat d'indicateur"
        verbose_name_plural = "résultats d'indicateurs"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], name="missions_result_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1) & Q(year__lte=5), name="missions_result_year_in_contract"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} — année {self.year} : {self.value}"

    @property
    def evidence_filename(self) -> str:
        return self.evidence.name.rsplit("/", 1)[-1] if self.evidence else ""
