from django.db import models


class ProjectQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def in_departements(self, departement_ids):
        through = Project.departements.through
        return self.filter(
            pk__in=through.objects.filter(departement_id__in=departement_ids).values("project_id")
        )

    def in_region(self, region_id):
        through = Project.departements.through
        return self.filter(
            pk__in=through.objects.filter(departement__region_id=region_id).values("project_id")
        )


class Project(models.Model):
    """A CPTS's project: every record of the portal hangs off one."""

    class Stage(models.TextChoices):
        INITIATIVE = "INITIATIVE", "Initiative / émergence"
        INTENTION = "INTENTION", "Lettre d'intention"
        REDACTION = "REDACTION", "Projet de santé (rédaction)"
        INSTRUCTION = "INSTRUCTION", "Instruction ARS"
        CONTRAT = "CONTRAT", "Contrat ACI"
        SUIVI = "SUIVI", "Suivi annuel"

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="projects",
        limit_choices_to={"kind": "CPTS"},
        verbose_name="association CPTS",
    )
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(unique=True, max_length=80)
    stage = models.CharField(
        "étape", max_length=12, choices=Stage.choices, default=Stage.INITIATIVE
    )
    departements = models.ManyToManyField(
        "geo.Departement", related_name="projects", blank=True, verbose_name="départements"
    )
    # Reviewers see a project only from its first submission to them (intention letter).
    submitted_at = models.DateTimeField("première transmission à l'ARS", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "projet"

    def __str__(self):
        return self.name

    @property
    def stage_number(self) -> int:
        return list(self.Stage.values).index(self.stage) + 1

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None
