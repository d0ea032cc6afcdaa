"""The association carrying a CPTS, its members, instances, mandates, meetings and documents.

Records of a project are addressed in URLs by a per-project sequence `number` (stable, readable,
and independent of the primary keys of other projects).
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from cpts_portal.lib.uploads import unguessable_path
from cpts_portal.lib.versioning import Versioned

RNA_VALIDATOR = RegexValidator(
    r"^W\d{9}$",
    "Le numéro RNA commence par la lettre W suivie de 9 chiffres (par exemple W343012345).",
)
RPPS_VALIDATOR = RegexValidator(r"^\d{11}$", "Le numéro RPPS compte exactement 11 chiffres.")


class Profession(models.TextChoices):
    MEDECIN_GENERALISTE = "MEDECIN_GENERALISTE", "médecin généraliste"
    MEDECIN_SPECIALISTE = "MEDECIN_SPECIALISTE", "médecin spécialiste"
    INFIRMIER = "INFIRMIER", "infirmier"
    PHARMACIEN = "PHARMACIEN", "pharmacien"
    KINESITHERAPEUTE = "KINESITHERAPEUTE", "masseur-kinésithérapeute"
    SAGE_FEMME = "SAGE_FEMME", "sage-femme"
    CHIRURGIEN_DENTISTE = "CHIRURGIEN_DENTISTE", "chirurgien-dentiste"
    ORTHOPHONISTE = "ORTHOPHONISTE", "orthophoniste"
    ORTHOPTISTE = "ORTHOPTISTE", "orthoptiste"
    PODOLOGUE = "PODOLOGUE", "pédicure-podologue"
    PSYCHOLOGUE = "PSYCHOLOGUE", "psychologue"
    DIETETICIEN = "DIETETICIEN", "diététicien"
    ERGOTHERAPEUTE = "ERGOTHERAPEUTE", "ergothérapeute"
    PSYCHOMOTRICIEN = "PSYCHOMOTRICIEN", "psychomotricien"
    BIOLOGISTE = "BIOLOGISTE", "biologiste"
    AUDIOPROTHESISTE = "AUDIOPROTHESISTE", "audioprothésiste"
    OPTICIEN = "OPTICIEN", "opticien"
    OTHER = "OTHER", "autre"


DOCTORS = frozenset({Profession.MEDECIN_GENERALISTE, Profession.MEDECIN_SPECIALISTE})


class Office(models.TextChoices):
    PRESIDENT = "PRESIDENT", "président"
    VICE_PRESIDENT = "VICE_PRESIDENT", "vice-président"
    SECRETAIRE_GENERAL = "SECRETAIRE_GENERAL", "secrétaire général"
    SECRETAIRE = "SECRETAIRE", "secrétaire"
    SECRETAIRE_ADJOINT = "SECRETAIRE_ADJOINT", "secrétaire adjoint"
    TRESORIER = "TRESORIER", "trésorier"
    TRESORIER_ADJOINT = "TRESORIER_ADJOINT", "trésorier adjoint"
    MEMBRE = "MEMBRE", "membre"


class Majority(models.TextChoices):
    """How many "pour" adopt a decision (guide: "l'association peut retenir une majorité
    simple, absolue, majorité qualifiée...")."""

    SIMPLE = "SIMPLE", "majorité simple (plus de « pour » que de « contre »)"
    ABSOLUTE = "ABSOLUTE", "majorité absolue (plus de la moitié des votants)"
    TWO_THIRDS = "TWO_THIRDS", "majorité qualifiée des deux tiers des votants"


class Association(Versioned):
    """The association loi 1901 that carries the CPTS, with the statutes' settings."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="association"
    )
    name = models.CharField("nom de l'association", max_length=200)
    rna = models.CharField(
        "numéro RNA",
        max_length=10,
        blank=True,
        validators=[RNA_VALIDATOR],
        help_text="W + 9 chiffres",
    )
    declaration_date = models.DateField("date de déclaration en préfecture", null=True, blank=True)
    seat = models.CharField("siège social", max_length=300, blank=True)
    purpose = models.TextField("objet", blank=True)
    max_proxies = models.PositiveSmallIntegerField(
        "pouvoirs détenus au plus par un membre",
        default=2,
        validators=[MaxValueValidator(20)],
        help_text="Nombre maximal de procurations qu'un membre actif peut détenir (statuts).",
    )
    quorum_numerator = models.PositiveSmallIntegerField(
        "quorum : numérateur", default=1, validators=[MinValueValidator(0)]
    )
    quorum_denominator = models.PositiveSmallIntegerField(
        "quorum : dénominateur", default=4, validators=[MinValueValidator(1)]
    )
    majority = models.CharField(
        "majorité des décisions ordinaires",
        max_length=12,
        choices=Majority.choices,
        default=Majority.SIMPLE,
        help_text="Assemblée générale ordinaire et autres instances.",
    )
    extraordinary_quorum_numerator = models.PositiveSmallIntegerField(
        "quorum de l'AG extraordinaire : numérateur", default=1, validators=[MinValueValidator(0)]
    )
    extraordinary_quorum_denominator = models.PositiveSmallIntegerField(
        "quorum de l'AG extraordinaire : dénominateur",
        default=2,
        validators=[MinValueValidator(1)],
    )
    extraordinary_majority = models.CharField(
        "majorité de l'AG extraordinaire",
        max_length=12,
        choices=Majority.choices,
        default=Majority.TWO_THIRDS,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "association"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum_denominator__gte=1)
                & models.Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="governance_association_quorum_is_a_fraction",
            ),
            models.CheckConstraint(
                condition=models.Q(extraordinary_quorum_denominator__gte=1)
                & models.Q(
                    extraordinary_quorum_numerator__lte=models.F("extraordinary_quorum_denominator")
                ),
                name="governance_association_extraordinary_quorum_is_a_fraction",
            ),
        ]

    def __str__(self):
        return self.name


class InformationSystem(Versioned):
    """The information system the CPTS describes in part 3 of its projet de santé: the
    digital tools chosen for its missions, how they fit the national and regional services
    (MSSanté, DMP / Mon espace santé, e-parcours) and how the data are protected (RGPD)."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="information_system"
    )
    needs = models.TextField(
        "besoins et démarche de choix",
        blank=True,
        help_text="Les besoins recensés auprès des professionnels, la démarche suivie pour "
        "choisir les outils (groupe de travail, cahier des charges, tiers expert) et en quoi "
        "ils rendent possibles les missions retenues.",
    )
    secure_messaging = models.TextField(
        "messagerie sécurisée de santé (MSSanté)",
        blank=True,
        help_text="Messageries utilisées par les membres, part des professionnels équipés, "
        "échanges avec les établissements.",
    )
    coordination_tool = models.TextField(
        "outil de coordination partagé (e-parcours)",
        blank=True,
        help_text="Outil de coordination des parcours (service e-parcours régional ou "
        "solution d'un éditeur), ce qu'il permet et son calendrier de déploiement.",
    )
    dmp = models.TextField(
        "DMP et Mon espace santé",
        blank=True,
        help_text="Alimentation et consultation du dossier médical partagé, information des "
        "patients sur Mon espace santé.",
    )
    website = models.URLField("site internet de la CPTS", blank=True)
    directory = models.TextField(
        "annuaire et communication",
        blank=True,
        help_text="Annuaire des membres et de l'offre de soins du territoire, lettre "
        "d'information, communication vers les usagers.",
    )
    interoperability = models.TextField(
        "interopérabilité et services numériques régionaux",
        blank=True,
        help_text="Compatibilité avec les logiciels métier et les outils déjà utilisés, "
        "services proposés par le groupement régional d'e-santé.",
    )
    data_protection = models.TextField(
        "protection des données (RGPD)",
        blank=True,
        help_text="Confidentialité, hébergement des données de santé (HDS), traçabilité des "
        "échanges, registre des traitements, information des patients.",
    )
    dpo = models.CharField(
        "délégué à la protection des données (DPO)",
        max_length=200,
        blank=True,
        help_text="Nom ou organisme désigné, et son contact.",
    )
    other = models.TextField("autres outils et remarques", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "système d'information"
        verbose_name_plural = "systèmes d'information"

    def __str__(self):
        return f"Système d'information — {self.project}"

    @property
    def is_blank(self) -> bool:
        return not any(getattr(self, name) for name in INFORMATION_SYSTEM_FIELDS)


# The described fields, in the order of the form, the page and the PDF.
INFORMATION_SYSTEM_FIELDS = [
    "needs",
    "secure_messaging",
    "coordination_tool",
    "dmp",
    "website",
    "directory",
    "interoperability",
    "data_protection",
    "dpo",
    "other",
]


def document_path(instance, filename: str) -> str:
    return unguessable_path("governance", filename)


class GovernanceDocument(Versioned):
    class Kind(models.TextChoices):
        STATUTS = "STATUTS", "statuts"
        REGLEMENT = "REGLEMENT", "règlement intérieur"
        MINUTES = "MINUTES", "procès-verbal"
        CONVENTION = "CONVENTION", "convention de partenariat"
        OTHER = "OTHER", "autre document"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="governance_documents"
    )
    number = models.PositiveIntegerField("numéro")
    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    title = models.CharField("titre", max_length=200)
    version_label = models.CharField("version", max_length=50, blank=True)
    adopted_date = models.DateField("adopté le", null=True, blank=True)
    file = models.FileField("fichier", upload_to=document_path, max_length=200)
    original_name = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField("type de contenu", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "-adopted_date", "-number"]
        verbose_name = "document"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="governance_document_number_per_project"
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.version_label}".strip()


class MemberQuerySet(models.QuerySet):
    def current(self, on=None):
        """Members who have not left (on `on`, a date; today when None)."""
        import datetime as dt

        on = on or dt.date.today()
        return self.filter(
            models.Q(leaving_date__isnull=True) | models.Q(leaving_date__gt=on),
            models.Q(adhesion_date__isnull=True) | models.Q(adhesion_date__lte=on),
        )

    def voting(self, on=None):
        return self.current(on).filter(category=Member.Category.ACTIVE)


class Member(Versioned):
    class Kind(models.TextChoices):
        PERSON = "PERSON", "professionnel"
        STRUCTURE = "STRUCTURE", "structure"

    class StructureKind(models.TextChoices):
        HOSPITAL = "HOSPITAL", "établissement hospitalier"
        EHPAD = "EHPAD", "EHPAD"
        MSP = "MSP", "maison de santé pluriprofessionnelle"
        CENTRE_SANTE = "CENTRE_SANTE", "centre de santé"
        SOCIAL = "SOCIAL", "service social"
        SSIAD = "SSIAD", "SSIAD"
        OTHER = "OTHER", "autre structure"

    class Category(models.TextChoices):
        ACTIVE = "ACTIVE", "membre actif (vote)"
        PARTNER = "PARTNER", "membre partenaire (sans vote)"

    class Fee(models.TextChoices):
        PAID = "PAID", "à jour"
        DUE = "DUE", "à régler"
        EXEMPT = "EXEMPT", "exonéré"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="governance_members"
    )
    number = models.PositiveIntegerField("numéro")
    kind = models.CharField("type", max_length=10, choices=Kind.choices, default=Kind.PERSON)
    last_name = models.CharField("nom", max_length=100, blank=True)
    first_name = models.CharField("prénom", max_length=100, blank=True)
    profession = models.CharField(
        "profession", max_length=20, choices=Profession.choices, blank=True
    )
    rpps = models.CharField("numéro RPPS", max_length=11, blank=True, validators=[RPPS_VALIDATOR])
    structure_name = models.CharField("nom de la structure", max_length=200, blank=True)
    structure_kind = models.CharField(
        "type de structure", max_length=12, choices=StructureKind.choices, blank=True
    )
    representative = models.CharField("représentant", max_length=200, blank=True)
    commune = models.ForeignKey(
        "geo.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="commune d'exercice",
    )
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    category = models.CharField(
        "qualité", max_length=8, choices=Category.choices, default=Category.ACTIVE
    )
    adhesion_date = models.DateField("date d'adhésion", null=True, blank=True)
    fee_status = models.CharField("cotisation", max_length=8, choices=Fee.choices, default=Fee.DUE)
    leaving_date = models.DateField("date de départ", null=True, blank=True)

    objects = MemberQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "last_name", "first_name", "structure_name", "number"]
        verbose_name = "membre"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="governance_member_number_per_project"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="PERSON") & ~models.Q(last_name=""))
                | (models.Q(kind="STRUCTURE") & ~models.Q(structure_name="")),
                name="governance_member_has_a_name",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.STRUCTURE:
            return self.structure_name
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def commune_code(self) -> str:
        """The INSEE code of the commune, as the forms take it (the conflict panel shows it)."""
        return self.commune_id or ""

    @property
    def is_doctor(self) -> bool:
        return self.kind == self.Kind.PERSON and self.profession in DOCTORS

    @property
    def votes(self) -> bool:
        return self.category == self.Category.ACTIVE

    @property
    def description(self) -> str:
        if self.kind == self.Kind.STRUCTURE:
            return self.get_structure_kind_display() or "structure"
        return self.get_profession_display()


class Instance(Versioned):
    class Kind(models.TextChoices):
        AG = "AG", "Assemblée générale"
        CA = "CA", "Conseil d'administration"
        BUREAU = "BUREAU", "Bureau"
        COMMISSION = "COMMISSION", "commission"
        COLLEGE = "COLLEGE", "collège"
        OTHER = "OTHER", "autre instance"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="governance_instances"
    )
    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant", max_length=80)
    role = models.TextField("rôle et attributions", blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=50)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "instance"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "slug"], name="governance_instance_slug_per_project"
            ),
            # One AG and one Bureau per association: the Bureau page and the AG deadline use them.
            models.UniqueConstraint(
                fields=["project", "kind"],
                condition=models.Q(kind__in=["AG", "BUREAU", "CA"]),
                name="governance_instance_one_statutory_per_project",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_assembly(self) -> bool:
        """The AG gathers every member: it has no mandates, its voters are the active members."""
        return self.kind == self.Kind.AG


class MandateQuerySet(models.QuerySet):
    def current(self, on=None):
        import datetime as dt

        on = on or dt.date.today()
        return self.filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=on), start_date__lte=on
        )


class Mandate(Versioned):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="governance_mandates"
    )
    number = models.PositiveIntegerField("numéro")
    body = models.ForeignKey(
        Instance, on_delete=models.CASCADE, related_name="mandates", verbose_name="instance"
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="mandates", verbose_name="membre"
    )
    office = models.CharField("fonction", max_length=20, choices=Office.choices)
    start_date = models.DateField("début du mandat")
    end_date = models.DateField("fin du mandat", null=True, blank=True)

    objects = MandateQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date"]
        verbose_name = "mandat"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="governance_mandate_number_per_project"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="governance_mandate_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_office_display()} — {self.body}"


class CompositionRules(Versioned):
    """The composition rules a CPTS sets for one instance (blank = no such rule)."""

    body = models.OneToOneField(
        Instance, on_delete=models.CASCADE, related_name="rules", verbose_name="instance"
    )
    min_members = models.PositiveSmallIntegerField(
        "nombre minimal de membres", null=True, blank=True
    )
    max_members = models.PositiveSmallIntegerField(
        "nombre maximal de membres", null=True, blank=True
    )
    active_only = models.BooleanField("uniquement des membres actifs", default=False)
    min_professions = models.PositiveSmallIntegerField(
        "nombre minimal de professions différentes", null=True, blank=True
    )
    doctors_numerator = models.PositiveSmallIntegerField(
        "part minimale de médecins : numérateur", null=True, blank=True
    )
    doctors_denominator = models.PositiveSmallIntegerField(
        "part minimale de médecins : dénominateur",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    doctor_in_presidency = models.BooleanField(
        "au moins un médecin parmi le président et les vice-présidents", default=False
    )
    required_offices = models.JSONField("fonctions obligatoires", default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "règles de composition"
        verbose_name_plural = "règles de composition"

    def __str__(self):
        return f"Règles de composition — {self.body}"


class MeetingQuerySet(models.QuerySet):
    def assemblies(self):
        return self.filter(body__kind=Instance.Kind.AG)


class AssemblyKind(models.TextChoices):
    ORDINARY = "ORDINARY", "ordinaire"
    EXTRAORDINARY = "EXTRAORDINARY", "extraordinaire"


class Meeting(Versioned):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="governance_meetings"
    )
    number = models.PositiveIntegerField("numéro")
    body = models.ForeignKey(
        Instance, on_delete=models.PROTECT, related_name="meetings", verbose_name="instance"
    )
    meeting_date = models.DateField("date")
    assembly_kind = models.CharField(
        "type d'assemblée générale",
        max_length=14,
        choices=AssemblyKind.choices,
        default=AssemblyKind.ORDINARY,
        help_text="Pour une assemblée générale seulement : l'AG extraordinaire a son propre "
        "quorum et sa propre majorité (statuts).",
    )
    title = models.CharField("intitulé", max_length=200)
    agenda = models.TextField("ordre du jour", blank=True)
    minutes = models.TextField("compte rendu", blank=True)
    minutes_document = models.ForeignKey(
        GovernanceDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="procès-verbal déposé",
    )

    history = HistoricalRecords(excluded_fields=["minutes_document"])
    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting_date", "-number"]
        verbose_name = "réunion"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="governance_meeting_number_per_project"
            ),
        ]

    def __str__(self):
        return f"{self.title} du {self.meeting_date:%d/%m/%Y}"

    @property
    def is_extraordinary(self) -> bool:
        """An extraordinary general assembly (its own quorum and majority)."""
        return (
            self.body.kind == Instance.Kind.AG and self.assembly_kind == AssemblyKind.EXTRAORDINARY
        )


class Attendance(Versioned):
    class Status(models.TextChoices):
        PRESENT = "PRESENT", "présent"
        REPRESENTED = "REPRESENTED", "représenté"
        ABSENT = "ABSENT", "absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField("présence", max_length=12, choices=Status.choices)
    proxy_holder = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proxies_held",
        verbose_name="pouvoir donné à",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["member__last_name", "member__first_name"]
        verbose_name = "présence"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="governance_attendance_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=models.Q(status="REPRESENTED", proxy_holder__isnull=False)
                | (~models.Q(status="REPRESENTED") & models.Q(proxy_holder__isnull=True)),
                name="governance_attendance_proxy_iff_represented",
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_status_display()}"


class Deliberation(Versioned):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField("délibération")
    votes_for = models.PositiveIntegerField("pour", default=0)
    votes_against = models.PositiveIntegerField("contre", default=0)
    abstentions = models.PositiveIntegerField("abstentions", default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = "décision"

    def __str__(self):
        return self.text[:80]

    @property
    def votes_cast(self) -> int:
        return self.votes_for + self.votes_against + self.abstentions


class Partnership(Versioned):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="governance_partnerships"
    )
    partner = models.CharField("partenaire", max_length=200)
    purpose = models.TextField("objet")
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)
    document = models.ForeignKey(
        GovernanceDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="convention",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["partner"]
        verbose_name = "partenariat"

    def __str__(self):
        return self.partner


class Indemnity(Versioned):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="governance_indemnities"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="indemnities", verbose_name="membre"
    )
    amount = models.DecimalField(
        "montant (€)", max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    paid_date = models.DateField("date de versement")
    purpose = models.CharField("objet", max_length=300)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-paid_date", "-pk"]
        verbose_name = "indemnité"
        verbose_name_plural = "indemnités"

    def __str__(self):
        return f"{self.member} — {self.amount} € le {self.paid_date:%d/%m/%Y}"


class Pass(models.Model):
    """Plafond annuel de la sécurité sociale: caps a member's indemnities in a year."""

    year = models.PositiveSmallIntegerField("année", primary_key=True)
    amount = models.DecimalField("montant (€)", max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["year"]
        verbose_name = "PASS"
        verbose_name_plural = "PASS"

    def __str__(self):
        return f"PASS {self.year}"
