"""ACI barèmes (dated data), the budget prévisionnel of a project and its other grants."""

from decimal import Decimal
from functools import cached_property

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cpts_portal.lib.uploads import unguessable_path
from cpts_portal.lib.versioning import Versioned

AMOUNT = {"max_digits": 12, "decimal_places": 2}


class AciMission(models.TextChoices):
    """The funding lines of the ACI missions (missions 1a and 1b share `acces_soins`)."""

    ACCES_SOINS = "acces_soins", "Accès aux soins (missions 1a et 1b)"
    PARCOURS = "parcours", "Parcours pluriprofessionnels (mission 2)"
    PREVENTION = "prevention", "Prévention (mission 3)"
    QUALITE = "qualite", "Qualité et pertinence des soins (mission 4)"
    ACCOMPAGNEMENT = "accompagnement", "Accompagnement des professionnels (mission 5)"
    CRISE = "crise", "Réponse aux crises sanitaires graves (mission 6)"


SOCLE_2019 = [AciMission.ACCES_SOINS, AciMission.PARCOURS, AciMission.PREVENTION]
_MISSION_VALUES = [m.value for m in AciMission]


class Component(models.TextChoices):
    FUNCTIONING = "FUNCTIONING", "Fonctionnement"
    FUNCTIONING_FIRST_YEAR = (
        "FUNCTIONING_FIRST_YEAR",
        "Majoration du fonctionnement la première année",
    )
    FIXED = "FIXED", "Volet fixe (mise en œuvre)"
    VARIABLE = "VARIABLE", "Volet variable (actions et résultats)"
    SNP_COMPENSATION = (
        "SNP_COMPENSATION",
        "Soins non programmés — compensation des professionnels (fixe)",
    )
    SNP_ORIENTATION = (
        "SNP_ORIENTATION",
        "Soins non programmés — service d'orientation (supplément facultatif, fixe)",
    )
    INTENTION_LETTER = "INTENTION_LETTER", "À la validation de la lettre d'intention (ponctuel)"
    CRISIS_ACTIVATION = (
        "CRISIS_ACTIVATION",
        "Crise reconnue par l'ARS — activation du plan (ponctuel)",
    )


# Components paid every contract year; the others are one-off amounts shown apart.
ANNUAL_COMPONENTS = {
    Component.FUNCTIONING,
    Component.FUNCTIONING_FIRST_YEAR,
    Component.FIXED,
    Component.VARIABLE,
    Component.SNP_COMPENSATION,
    Component.SNP_ORIENTATION,
}
# Components that belong to a mission (the others have mission "").
MISSION_COMPONENTS = {
    Component.FIXED,
    Component.VARIABLE,
    Component.SNP_COMPENSATION,
    Component.SNP_ORIENTATION,
    Component.CRISIS_ACTIVATION,
}
_MISSION_COMPONENT_VALUES = sorted(c.value for c in MISSION_COMPONENTS)


class BaremeQuerySet(models.QuerySet):
    def in_force_on(self, date):
        """The barème in force on `date` (the latest whose date of effect is not after it)."""
        return self.filter(effective_date__lte=date).order_by("-effective_date").first()

    def latest_first(self):
        return self.order_by("-effective_date", "-pk")


class Bareme(models.Model):
    """A dated ACI barème: amounts per size tier and per line (entered from the official text)."""

    name = models.CharField("nom", max_length=50, unique=True)
    effective_date = models.DateField("date d'effet", unique=True)
    source = models.CharField("texte de référence", max_length=255, blank=True)
    # The missions this barème makes compulsory (AciMission codes). Guide (ACI, "FOCUS -
    # Planifier le déploiement"): "En souscrivant au contrat, les communautés professionnelles
    # territoriales de santé s'engagent à mettre en place les trois missions socles". The
    # missions it funds are those with lines; a funded mission not listed here is optional.
    socle_missions = models.JSONField(
        "missions socle",
        default=list,
        blank=True,
        help_text="Les missions que tout projet relevant de ce barème doit mettre en œuvre : "
        "une fiche-action au moins et une part de son budget prévisionnel chacune.",
    )

    objects = BaremeQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_date"]
        verbose_name = "barème ACI"
        verbose_name_plural = "barèmes ACI"

    def __str__(self):
        return self.name

    @property
    def socle(self) -> list[str]:
        """The socle mission codes, in the catalogue order."""
        return [code for code in _MISSION_VALUES if code in (self.socle_missions or [])]

    @cached_property
    def line_list(self) -> list["BaremeLine"]:
        """Its lines, read once (funding.calculator.get_bareme reads them with the barème)."""
        return list(self.lines.all())

    @property
    def funded_missions(self) -> list[str]:
        """The missions with a yearly line in this barème, in the catalogue order."""
        funded = {
            line.mission
            for line in self.line_list
            if line.mission and line.component in ANNUAL_COMPONENTS
        }
        return [code for code in _MISSION_VALUES if code in funded]


class BaremeLine(models.Model):
    """One line of a barème: its amount for each of the four size tiers, per year."""

    bareme = models.ForeignKey(Bareme, on_delete=models.CASCADE, related_name="lines")
    component = models.CharField("ligne", max_length=30, choices=Component.choices)
    mission = models.CharField(
        "mission", max_length=20, choices=AciMission.choices, blank=True, default=""
    )
    amount_tier1 = models.DecimalField("taille 1", **AMOUNT, validators=[MinValueValidator(0)])
    amount_tier2 = models.DecimalField("taille 2", **AMOUNT, validators=[MinValueValidator(0)])
    amount_tier3 = models.DecimalField("taille 3", **AMOUNT, validators=[MinValueValidator(0)])
    amount_tier4 = models.DecimalField("taille 4", **AMOUNT, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["bareme", "pk"]
        verbose_name = "ligne de barème"
        verbose_name_plural = "lignes de barème"
        constraints = [
            models.UniqueConstraint(
                fields=["bareme", "component", "mission"], name="funding_bareme_line_unique"
            ),
            models.CheckConstraint(
                condition=Q(component__in=_MISSION_COMPONENT_VALUES, mission__gt="")
                | (~Q(component__in=_MISSION_COMPONENT_VALUES) & Q(mission="")),
                name="funding_bareme_line_mission_matches_component",
            ),
        ]

    def __str__(self):
        mission = f" — {self.get_mission_display()}" if self.mission else ""
        return f"{self.get_component_display()}{mission}"

    def amount_for(self, tier: int) -> Decimal:
        return getattr(self, f"amount_tier{tier}")


class Budget(Versioned):
    """The budget prévisionnel of a project: its parameters; the lines hang off it."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="budget", verbose_name="projet"
    )
    population = models.PositiveIntegerField(
        "population du territoire",
        null=True,
        blank=True,
        help_text="Utilisée quand le territoire du projet ne donne pas encore sa population.",
    )
    missions = models.JSONField("missions contractualisées", default=list)
    # How a record's history and a deposit's snapshot name the codes (versioning.value_choices).
    value_labels = {"missions": AciMission.choices}
    snp_orientation = models.BooleanField(
        "service d'orientation des soins non programmés", default=False
    )
    # Owned here until the lifecycle issue brings the ACI contract.
    signature_date = models.DateField("date de signature du contrat ACI", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "budget prévisionnel"
        verbose_name_plural = "budgets prévisionnels"

    def __str__(self):
        return f"Budget prévisionnel — {self.project}"


class Side(models.TextChoices):
    EXPENSE = "EXPENSE", "Dépenses"
    RESOURCE = "RESOURCE", "Ressources"


class Category(models.TextChoices):
    INDEMNITES = "INDEMNITES", "Indemnités des professionnels"
    SALAIRES = "SALAIRES", "Salaires (coordinateur, secrétariat…)"
    HONORAIRES = "HONORAIRES", "Honoraires de consultants"
    MATERIEL = "MATERIEL", "Moyens matériels"
    AUTRE_DEPENSE = "AUTRE_DEPENSE", "Autres dépenses"
    ACI_FONCTIONNEMENT = "ACI_FONCTIONNEMENT", "ACI — fonctionnement"
    ACI_FIXE = "ACI_FIXE", "ACI — volet fixe"
    ACI_VARIABLE = "ACI_VARIABLE", "ACI — volet variable (résultats)"
    AUTRE_RESSOURCE = "AUTRE_RESSOURCE", "Ressources complémentaires"


EXPENSE_CATEGORIES = [
    Category.INDEMNITES,
    Category.SALAIRES,
    Category.HONORAIRES,
    Category.MATERIEL,
    Category.AUTRE_DEPENSE,
]
RESOURCE_CATEGORIES = [
    Category.ACI_FONCTIONNEMENT,
    Category.ACI_FIXE,
    Category.ACI_VARIABLE,
    Category.AUTRE_RESSOURCE,
]
# ACI resources come from the calculation, never typed: users add the other categories.
EDITABLE_RESOURCE_CATEGORIES = [Category.AUTRE_RESSOURCE]
GENERAL_PART = ""
# The parts of a budget: its general functioning, then one per ACI mission.
PART_CHOICES = [(GENERAL_PART, "Fonctionnement général"), *AciMission.choices]


class BudgetLine(Versioned):
    """A typed line of a budget table (`part` "" = general functioning, else a mission code)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    number = models.PositiveIntegerField("numéro", editable=False)
    part = models.CharField(
        "partie", max_length=20, choices=PART_CHOICES, blank=True, default=GENERAL_PART
    )
    side = models.CharField("côté", max_length=10, choices=Side.choices)
    category = models.CharField("catégorie", max_length=20, choices=Category.choices)
    label = models.CharField("libellé", max_length=200)
    amount = models.DecimalField(
        "montant annuel", **AMOUNT, validators=[MinValueValidator(Decimal(0))]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["budget", "part", "side", "number"]
        verbose_name = "ligne de budget"
        verbose_name_plural = "lignes de budget"
        constraints = [
            models.UniqueConstraint(fields=["budget", "number"], name="funding_line_number"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_line_amount_gte_0"),
        ]

    def __str__(self):
        return self.label


class Grant(Versioned):
    """Another grant beside the ACI: FIR engineering, regional or local grant, call for projects."""

    class Kind(models.TextChoices):
        FIR_INGENIERIE = "FIR_INGENIERIE", "FIR — ingénierie (après la lettre d'intention)"
        REGIONALE = "REGIONALE", "Subvention régionale"
        LOCALE = "LOCALE", "Subvention locale (collectivités)"
        APPEL_A_PROJETS = "APPEL_A_PROJETS", "Appel à projets"
        AUTRE = "AUTRE", "Autre financement"

    class Status(models.TextChoices):
        ENVISAGEE = "ENVISAGEE", "envisagée"
        DEMANDEE = "DEMANDEE", "demandée"
        ACCORDEE = "ACCORDEE", "accordée"
        VERSEE = "VERSEE", "versée"
        REFUSEE = "REFUSEE", "refusée"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="grants", verbose_name="projet"
    )
    number = models.PositiveIntegerField("numéro", editable=False)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    funder = models.CharField("financeur", max_length=200)
    title = models.CharField("objet", max_length=200)
    amount = models.DecimalField("montant", **AMOUNT, validators=[MinValueValidator(Decimal(0))])
    requested_date = models.DateField("date de la demande", null=True, blank=True)
    decision_date = models.DateField("date de la décision", null=True, blank=True)
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=Status.choices, default=Status.ENVISAGEE
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "number"]
        verbose_name = "autre financement"
        verbose_name_plural = "autres financements"
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="funding_grant_number"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_grant_amount_gte_0"),
        ]

    def __str__(self):
        return f"{self.funder} — {self.title}"

    @property
    def counts_in_budget(self) -> bool:
        return self.status in (self.Status.ACCORDEE, self.Status.VERSEE)


def grant_document_path(instance, filename):
    return unguessable_path("funding/grants", filename)


class GrantDocument(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="documents")
    number = models.PositiveIntegerField("numéro", editable=False)
    file = models.FileField("fichier", upload_to=grant_document_path, max_length=255)
    name = models.CharField("nom", max_length=200)
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déposé par",
    )

    class Meta:
        ordering = ["grant", "number"]
        verbose_name = "pièce d'un financement"
        verbose_name_plural = "pièces des financements"
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="funding_document_number")
        ]

    def __str__(self):
        return self.name
