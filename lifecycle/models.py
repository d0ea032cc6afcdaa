"""Records of the ACI contract's life that belong to the flow layer: the figures each contract
year is funded on (frozen), the facts that close the contract's deadlines, the signature of
the contract by the three parties."""

from django.db import models
from django.db.models import Q

from projects.models import SignedByThreeParties


class ContractYearBasis(models.Model):
    """The figures a contract year's ACI funding is computed on (population, size tier,
    barème, funded missions, SNP orientation), taken from the project's budget at the start of
    the contract and kept: a later edit of the territory or the budget never re-prices it. A
    year without its own row keeps the basis of the year before; a dialogue de gestion not yet
    signed may adopt the current figures from its year on (lifecycle.followup.basis_adopt)."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("à partir de l'année du contrat")
    population = models.PositiveIntegerField("population du territoire")
    tier = models.PositiveSmallIntegerField("strate de taille")
    bareme = models.CharField("barème", max_length=50)
    missions = models.JSONField("missions financées", default=list)
    snp_orientation = models.BooleanField("orientation SNP", default=False)
    taken_on = models.DateField("relevée le")
    taken_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["year"]
        verbose_name = "base de financement d'une année du contrat"
        verbose_name_plural = "bases de financement des années du contrat"
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="lifecycle_one_basis_a_year"),
            models.CheckConstraint(
                condition=Q(year__gte=1) & Q(year__lte=5), name="lifecycle_basis_year_in_contract"
            ),
        ]

    def __str__(self):
        return f"Base de financement — année {self.year} — {self.project_id}"


class ContractFact(models.Model):
    """A fact that closes a deadline of the contract: the CPTS declares the start and the full
    deployment of a mission; the indicator review meeting held (half-year `ref`)."""

    class Kind(models.TextChoices):
        MISSION_START = "mission_start", "démarrage de la mission"
        MISSION_DEPLOYMENT = "mission_deployment", "déploiement complet de la mission"
        INDICATOR_REVIEW = "indicator_review", "revue des indicateurs"

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("fait", max_length=20, choices=Kind.choices)
    # The mission code (missions catalogue), or the number of the half-year of the review.
    ref = models.CharField("objet", max_length=20)
    happened_on = models.DateField("date")
    note = models.TextField("précisions", blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_on", "pk"]
        verbose_name = "fait du contrat ACI"
        verbose_name_plural = "faits du contrat ACI"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "ref"], name="lifecycle_one_fact_per_deadline"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.ref} le {self.happened_on:%d/%m/%Y}"


class ContractSigning(SignedByThreeParties):
    """The signature of the tripartite ACI contract the portal prepares once the projet de santé
    is validated (explicitly or tacitly): the CPTS (coordinator or bureau), the CPAM and the DD
    ARS each sign; a signature may be withdrawn until the third one. The contract
    (projects.Contract) is recorded at the third signature and starts on its date, or on the
    later date the parties agreed before signing."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="contract_signing"
    )
    agreed_start = models.DateField("date de début convenue", null=True, blank=True)

    class Meta:
        verbose_name = "signature du contrat ACI"
        verbose_name_plural = "signatures des contrats ACI"

    def __str__(self):
        return f"Signature du contrat ACI — {self.project_id}"
