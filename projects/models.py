import hashlib
import secrets

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cpts_portal.lib.dates import contract_end, contract_year
from cpts_portal.lib.versioning import Versioned


class State(models.TextChoices):
    """The lifecycle states (lifecycle/transitions.py moves a project between them)."""

    INITIATIVE = "INITIATIVE", "Initiative"
    INTENTION_DRAFT = "INTENTION_DRAFT", "Lettre d'intention en rédaction"
    INTENTION_SUBMITTED = "INTENTION_SUBMITTED", "Lettre d'intention transmise"
    INTENTION_REWORK = "INTENTION_REWORK", "Lettre d'intention à retravailler"
    REDACTION = "REDACTION", "Projet de santé en rédaction"
    DEPOSITED = "DEPOSITED", "Projet de santé déposé, en instruction"
    INCOMPLETE = "INCOMPLETE", "Dossier incomplet (délai suspendu)"
    VALIDATED = "VALIDATED", "Projet de santé validé"
    TACITLY_VALIDATED = "TACITLY_VALIDATED", "Projet de santé réputé validé"
    OPPOSED = "OPPOSED", "Opposition de l'ARS"
    CONTRACTED = "CONTRACTED", "Contrat ACI signé"


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
    # The precise lifecycle state; `stage` is derived from it by lifecycle/transitions.py.
    state = models.CharField(
        "état", max_length=20, choices=State.choices, default=State.INITIATIVE, db_index=True
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
        # Lists of projects are read by name a page at a time (analysts: the whole country).
        indexes = [models.Index(fields=["name"], name="project_name")]
        verbose_name = "projet"

    def __str__(self):
        return self.name

    @property
    def stage_number(self) -> int:
        return list(self.Stage.values).index(self.stage) + 1

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def current_deposit(self, *related):
        """The latest deposit of the projet de santé, or None (`related`: what to read with it,
        as select_related)."""
        return self.deposits.select_related(*related).order_by("-number").first()

    def deposit_and_contract(self, *related):
        """(the latest deposit or None, the ACI contract or None): one query, the contract read
        with the deposit; a project without a deposit (one taken on under contract) has its
        contract read apart."""
        deposit = self.current_deposit("project__contract", *related)
        if deposit is not None:
            return deposit, getattr(deposit.project, "contract", None)
        return None, Contract.objects.filter(project=self).first()


# The step of domain.md §1 each state belongs to.
STAGE_OF_STATE = {
    State.INITIATIVE: Project.Stage.INITIATIVE,
    State.INTENTION_DRAFT: Project.Stage.INTENTION,
    State.INTENTION_SUBMITTED: Project.Stage.INTENTION,
    State.INTENTION_REWORK: Project.Stage.INTENTION,
    State.REDACTION: Project.Stage.REDACTION,
    State.OPPOSED: Project.Stage.REDACTION,
    State.DEPOSITED: Project.Stage.INSTRUCTION,
    State.INCOMPLETE: Project.Stage.INSTRUCTION,
    State.VALIDATED: Project.Stage.CONTRAT,
    State.TACITLY_VALIDATED: Project.Stage.CONTRAT,
    State.CONTRACTED: Project.Stage.SUIVI,
}


class ProjectEvent(models.Model):
    """The project's timeline: every lifecycle action, who, when, and the comment."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("action", max_length=40)
    label = models.CharField("événement", max_length=200)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField("commentaire", blank=True)
    # Visible to the CPTS? Reviewers' internal steps stay hidden until the decision.
    public = models.BooleanField(default=True)
    at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "événement du projet"
        constraints = [
            # The tacit validation of one deposit is recorded once, however often the task runs.
            models.UniqueConstraint(
                fields=["project", "action", "comment"],
                condition=models.Q(action="record_tacit_validation"),
                name="projects_event_one_tacit_validation_per_deposit",
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.label}"


# --- Intention letter ---------------------------------------------------------------------


class IntentionLetter(Versioned):
    """The lettre d'intention (seeds 003, 004): sent to the DD ARS and the CPAM."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="intention_letter"
    )
    porteur = models.TextField(
        "porteur juridique", blank=True, help_text="L'association, son siège, ses représentants."
    )
    territory = models.TextField("territoire envisagé", blank=True)
    diagnostic = models.TextField("diagnostic succinct", blank=True)
    actors = models.TextField("acteurs et partenaires impliqués", blank=True)
    coordination = models.TextField("coordination existante", blank=True)
    missions = models.TextField("missions envisagées", blank=True)
    calendar = models.TextField("calendrier prévisionnel", blank=True)
    engineering_budget = models.DecimalField(
        "budget d'ingénierie demandé (€)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    # Incremented at each submission: answers belong to one round.
    round = models.PositiveIntegerField("envoi n°", default=0, editable=False)
    submitted_at = models.DateTimeField("transmise le", null=True, blank=True)

    history = HistoricalRecords()

    REQUIRED = ["porteur", "territory", "diagnostic", "actors", "missions", "calendar"]

    class Meta:
        verbose_name = "lettre d'intention"

    def __str__(self):
        return f"Lettre d'intention — {self.project}"

    def missing_fields(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.REQUIRED
            if not getattr(self, name).strip()
        ]


class IntentionAnswer(models.Model):
    """One body's answer (DD ARS or CPAM) to one submission of the intention letter."""

    class Answer(models.TextChoices):
        VALIDATED = "VALIDATED", "validée"
        REWORK = "REWORK", "à retravailler"

    letter = models.ForeignKey(IntentionLetter, on_delete=models.CASCADE, related_name="answers")
    round = models.PositiveIntegerField()
    body = models.CharField("organisme", max_length=12)
    answer = models.CharField("réponse", max_length=10, choices=Answer.choices)
    comment = models.TextField("points de vigilance ou commentaires", blank=True)
    by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "round", "body"], name="projects_one_answer_per_body_and_round"
            ),
        ]

    BODY_LABELS = {"ARS_DD": "DD ARS", "CPAM": "CPAM"}

    def __str__(self):
        return f"{self.body_label} : {self.get_answer_display()}"

    @property
    def body_label(self) -> str:
        """The body as people name it (never the code): "DD ARS", "CPAM"."""
        return self.BODY_LABELS.get(self.body, self.body)


# --- Deposit and review -------------------------------------------------------------------


class Deposit(models.Model):
    """One deposit of the projet de santé with the ARS, and its frozen content."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deposits")
    number = models.PositiveIntegerField("dépôt n°")
    received_date = models.DateField("reçu par l'ARS le")
    # The clock starts again in full when missing pieces are received (domain.md §1).
    clock_start_date = models.DateField("point de départ du délai")
    is_incomplete = models.BooleanField("dossier incomplet", default=False)
    missing_pieces = models.TextField("pièces manquantes", blank=True)
    snapshot = models.JSONField("contenu déposé", default=dict, editable=False)
    snapshot_hash = models.CharField(max_length=64, editable=False, blank=True)
    deposited_at = models.DateTimeField(auto_now_add=True)
    deposited_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = "dépôt"
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="projects_deposit_number"),
        ]

    def __str__(self):
        return f"{self.project} — dépôt n°{self.number}"


class AvisBody(models.TextChoices):
    """The bodies giving an avis on the grid (Annexe 9), in the grid's order."""

    ARS_DD = "ARS_DD", "DD ARS"
    URPS = "URPS", "Inter URPS"
    CPAM = "CPAM", "CPAM"
    ELSM = "ELSM", "ELSM"
    MSA = "MSA", "MSA"


class Avis(Versioned):
    class Overall(models.TextChoices):
        FAVORABLE = "FAVORABLE", "favorable"
        RESERVES = "RESERVES", "favorable avec réserves"
        DEFAVORABLE = "DEFAVORABLE", "défavorable"

    deposit = models.ForeignKey(Deposit, on_delete=models.CASCADE, related_name="avis")
    body = models.CharField("organisme", max_length=8, choices=AvisBody.choices)
    # {"question key": {"judgement": "...", "comment": "..."}} (lifecycle.avis_questions)
    answers = models.JSONField("réponses", default=dict, blank=True)
    overall = models.CharField("avis", max_length=12, choices=Overall.choices, blank=True)
    motivation = models.TextField("motivation", blank=True)
    submitted_at = models.DateTimeField("rendu le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A submitted avis is locked; reopening it starts a new revision (the old one stays in
    # the history).
    revision = models.PositiveIntegerField("révision", default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deposit", "body"]
        verbose_name = "avis"
        verbose_name_plural = "avis"
        constraints = [
            models.UniqueConstraint(fields=["deposit", "body"], name="projects_one_avis_per_body"),
        ]

    def __str__(self):
        return f"Avis {self.get_body_display()} — {self.deposit}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ReviewComment(models.Model):
    """The reviewers' internal discussion on a deposit (never shown to the CPTS)."""

    deposit = models.ForeignKey(Deposit, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField("message")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"{self.author} : {self.text[:40]}"


def missing_piece_path(instance, filename):
    # Not guessable: served only through a view that checks access.
    return f"pieces/{instance.request.deposit.project_id}/{secrets.token_hex(16)}/{filename}"


class MissingPiecesRequest(models.Model):
    """A DD ARS request for the missing pieces of a deposit (the clock is suspended), and the
    CPTS's answer: its comment, its attachments, and the day they were received (the clock
    starts again in full on that day)."""

    deposit = models.ForeignKey(Deposit, on_delete=models.CASCADE, related_name="piece_requests")
    pieces = models.TextField("pièces manquantes")
    requested_on = models.DateField("demandées le")
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answer = models.TextField("réponse de la CPTS", blank=True)
    received_date = models.DateField("pièces reçues le", null=True, blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["requested_on", "pk"]
        verbose_name = "demande de pièces manquantes"
        verbose_name_plural = "demandes de pièces manquantes"

    def __str__(self):
        return f"Pièces manquantes — {self.deposit}"

    @property
    def is_answered(self) -> bool:
        return self.received_date is not None


class MissingPieceFile(models.Model):
    """A piece sent by the CPTS in answer to a request (checked by cpts_portal.lib.uploads)."""

    request = models.ForeignKey(
        MissingPiecesRequest, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(upload_to=missing_piece_path)
    original_name = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "pièce transmise"

    def __str__(self):
        return self.original_name


class ReviewReminder(models.Model):
    """A reminder to the reviewers sent for one deposit and one threshold (J-15, J-7): once,
    whatever how often (or how late) the daily task runs."""

    deposit = models.ForeignKey(Deposit, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField("jours avant la fin du délai")
    deadline = models.DateField("fin du délai rappelée")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "rappel aux instructeurs"
        constraints = [
            models.UniqueConstraint(
                fields=["deposit", "days_before", "deadline"],
                name="projects_one_reminder_per_deposit_and_threshold",
            ),
        ]

    def __str__(self):
        return f"Rappel J-{self.days_before} — {self.deposit}"


class Decision(models.Model):
    """The DG ARS's decision on one deposit: one, whoever clicks first."""

    class Kind(models.TextChoices):
        VALIDATION = "VALIDATION", "validation"
        OPPOSITION = "OPPOSITION", "opposition"

    deposit = models.OneToOneField(Deposit, on_delete=models.CASCADE, related_name="decision")
    kind = models.CharField("décision", max_length=10, choices=Kind.choices)
    ground_prs = models.BooleanField("non-respect des objectifs du PRS", default=False)
    ground_territory = models.BooleanField("territoire non pertinent", default=False)
    motivation = models.TextField("motivation", blank=True)
    vigilance = models.TextField("points de vigilance", blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "décision"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="VALIDATION")
                | models.Q(ground_prs=True)
                | models.Q(ground_territory=True),
                name="projects_opposition_has_a_legal_ground",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.deposit}"


class CalendarFeed(models.Model):
    """A private iCalendar feed of a project's deadlines for one user (secret URL, revocable).

    Only the SHA-256 of the URL's token is kept: the token is shown once, when it is issued
    (README, "Security decisions")."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="projects_one_feed_per_user"),
        ]

    def __str__(self):
        return f"Calendrier de {self.user} — {self.project}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class Contract(models.Model):
    """The tripartite ACI contract (CPTS, CPAM, ARS): 5 years from its signature."""

    YEARS = 5

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="contract")
    signature_date = models.DateField("date de signature (début du contrat)")
    bareme = models.CharField("barème en vigueur", max_length=50, blank=True)
    cpts_signed_date = models.DateField("signé par la CPTS le")
    cpam_signed_date = models.DateField("signé par la CPAM le")
    ars_signed_date = models.DateField("signé par l'ARS le")
    # The ACI funding of a regular year at full attainment, computed at the signature from the
    # project's budget (population, missions): what the analysts add up as funding committed.
    annual_amount = models.DecimalField(
        "financement annuel engagé (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "contrat ACI"
        verbose_name_plural = "contrats ACI"

    def __str__(self):
        return f"Contrat ACI — {self.project}"

    @property
    def end_date(self):
        return contract_end(self.signature_date)

    def year_period(self, year: int):
        """(first day, last day) of contract year `year` (1 to 5): cpts_portal.lib.dates."""
        return contract_year(self.signature_date, year)


def document_path(instance, filename):
    # Not guessable: documents are served only through a view that checks access.

    return f"documents/{instance.project_id}/{secrets.token_hex(16)}/{filename}"


class Document(models.Model):
    """A rendered document (PDF) of a project: rendered by a Celery task, reused while the
    data it prints has not changed, and kept unchanged once deposited."""

    class Kind(models.TextChoices):
        PROJET_DE_SANTE = "PROJET_DE_SANTE", "Projet de santé"
        INTENTION_LETTER = "INTENTION_LETTER", "Lettre d'intention"
        AVIS_GRID = "AVIS_GRID", "Grille d'avis"
        FUNDING_SIMULATION = "FUNDING_SIMULATION", "Simulation du financement ACI"
        ANNUAL_DIALOGUE = "ANNUAL_DIALOGUE", "Compte rendu du dialogue de gestion"
        ACI_CONTRACT = "ACI_CONTRACT", "Contrat ACI"
        # The formal acts of the review (issue 15), produced at their event (lifecycle.acts).
        ACK_RECEIPT = "ACK_RECEIPT", "Accusé de réception du projet de santé"
        MISSING_PIECES = "MISSING_PIECES", "Demande de pièces manquantes"
        DECISION_LETTER = "DECISION_LETTER", "Lettre de décision de l'ARS"
        TACIT_ATTESTATION = "TACIT_ATTESTATION", "Attestation de validation tacite"

    class Status(models.TextChoices):
        PENDING = "PENDING", "en attente"
        RUNNING = "RUNNING", "en cours"
        DONE = "DONE", "prêt"
        FAILED = "FAILED", "échec"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("document", max_length=20, choices=Kind.choices)
    status = models.CharField("état", max_length=8, choices=Status.choices, default=Status.PENDING)
    # SHA-256 of the HTML the PDF is rendered from: same data, same document.
    content_hash = models.CharField(max_length=64, db_index=True)
    file = models.FileField(upload_to=document_path, blank=True)
    file_hash = models.CharField("empreinte SHA-256 du PDF", max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    # What the document is about beyond its kind, e.g. {"year": 2} for a dialogue report.
    params = models.JSONField(default=dict, blank=True)
    error = models.TextField("erreur", blank=True)
    deposit = models.ForeignKey(
        Deposit, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    # The HTML a deposited document prints, frozen in the deposit's request: the worker
    # renders the PDF from it later, whatever is edited meanwhile.
    source_html = models.TextField(blank=True, editable=False)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "document"

    def __str__(self):
        return f"{self.get_kind_display()} — {self.project} ({self.get_status_display()})"

    @property
    def filename(self) -> str:
        slug = {
            "PROJET_DE_SANTE": "projet-de-sante",
            "INTENTION_LETTER": "lettre-intention",
            "AVIS_GRID": "grille-avis",
            "FUNDING_SIMULATION": "simulation-aci",
            "ANNUAL_DIALOGUE": "dialogue-de-gestion",
            "ACI_CONTRACT": "contrat-aci",
            "ACK_RECEIPT": "accuse-reception",
            "MISSING_PIECES": "demande-pieces",
            "DECISION_LETTER": "decision-ars",
            "TACIT_ATTESTATION": "attestation-validation-tacite",
        }[self.kind]
        if self.params.get("deposit"):
            slug += f"-depot-{self.params['deposit']}"
        if self.params.get("date"):
            slug += f"-{self.params['date']}"
        if self.params.get("year"):
            slug += f"-annee-{self.params['year']}"
        return f"{slug}-{self.project.slug}.pdf"


class SigningParty(models.TextChoices):
    CPTS = "CPTS", "la CPTS"
    CPAM = "CPAM", "la CPAM"
    ARS = "ARS", "l'ARS"


class SignedByThreeParties(models.Model):
    """A record the CPTS, the CPAM and the ARS each sign (who, when): the yearly dialogue, the
    ACI contract (lifecycle.ContractSigning). Once a party has signed, the content is locked;
    a signature may be withdrawn until the third one (lifecycle.followup.signature_fields)."""

    Party = SigningParty

    cpts_signed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cpts_signed_at = models.DateTimeField("signé pour la CPTS le", null=True, blank=True)
    cpam_signed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cpam_signed_at = models.DateTimeField("signé pour la CPAM le", null=True, blank=True)
    ars_signed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ars_signed_at = models.DateTimeField("signé pour l'ARS le", null=True, blank=True)

    class Meta:
        abstract = True

    def signed_at(self, party: str):
        return getattr(self, f"{party.lower()}_signed_at")

    @property
    def signatures(self) -> list[dict]:
        return [
            {
                "party": party,
                "label": label,
                "by": getattr(self, f"{party.lower()}_signed_by"),
                "at": self.signed_at(party),
            }
            for party, label in SigningParty.choices
        ]

    @property
    def is_locked(self) -> bool:
        return any(self.signed_at(party) for party in SigningParty.values)

    @property
    def is_signed(self) -> bool:
        return all(self.signed_at(party) for party in SigningParty.values)

    @property
    def last_signed_at(self):
        moments = [self.signed_at(party) for party in SigningParty.values]
        return max(moments) if all(moments) else None


class AnnualDialogue(SignedByThreeParties, Versioned):
    """The dialogue de gestion of one contract year (CPTS, CPAM, ARS): the meeting, the
    attainment rate agreed per mission (from the indicator results), the minutes, and the
    sign-off of the three parties. Once a party has signed, the content is locked."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dialogues")
    year = models.PositiveSmallIntegerField("année du contrat")
    meeting_date = models.DateField("date de la réunion", null=True, blank=True)
    # Mission code (missions catalogue) -> agreed attainment rate in percent, as a string.
    attainment = models.JSONField("taux d'atteinte retenus", default=dict, blank=True)
    minutes = models.TextField("compte rendu", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = "dialogue de gestion annuel"
        verbose_name_plural = "dialogues de gestion annuels"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"], name="projects_one_dialogue_per_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1) & Q(year__lte=5), name="projects_dialogue_year_in_contract"
            ),
        ]

    def __str__(self):
        return f"Dialogue de gestion — année {self.year} — {self.project}"


class ContractPayment(models.Model):
    """A payment of the ACI funding actually made (recorded by the CPAM, which pays)."""

    class Kind(models.TextChoices):
        START = "start", "fonctionnement et avance"
        BALANCE = "balance", "solde"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="payments")
    year = models.PositiveSmallIntegerField("année du contrat")
    kind = models.CharField("versement", max_length=8, choices=Kind.choices)
    paid_on = models.DateField("versé le")
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)
    reference = models.CharField("référence", max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = "versement ACI"
        verbose_name_plural = "versements ACI"
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1) & Q(year__lte=5), name="projects_payment_year_in_contract"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="projects_payment_positive"),
        ]

    def __str__(self):
        return f"Versement {self.get_kind_display()} année {self.year} — {self.amount} €"
