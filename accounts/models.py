from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import prefetch_related_objects
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from cpts_portal.lib.versioning import Versioned


def normalise_email(email) -> str:
    """An e-mail address as the portal keys it: trimmed, lower-case (anything but a string
    gives ""). Every entry goes through it: login (and the lockout's key), sign-up,
    invitations, the admin, ProConnect; two spellings of one address are one account."""
    return email.strip().lower() if isinstance(email, str) else ""


def mask_email(email: str) -> str:
    """An address shown to someone who may not own it: j***@exemple.fr."""
    local, _, domain = normalise_email(email).partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        # AbstractUser.clean() and Django's own forms call this: the portal's rule, not just a
        # lower-case domain.
        return normalise_email(email)

    def _create_user(self, email, password, **extra_fields):
        if not normalise_email(email):
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=normalise_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=normalise_email(username))


# Saves that write only these fields leave no history row (a login, a password hash upgraded
# by Django): neither passwords nor logins are kept in the history.
UNHISTORISED_USER_FIELDS = frozenset({"password", "last_login"})


class User(Versioned, AbstractUser):
    """A person; logs in with his e-mail address and password, or through ProConnect.

    The account page edits his profile through save_versioned (version, history, conflict
    panel); the history never holds the password hash nor the last login."""

    class LoginMethod(models.TextChoices):
        # CPTS members keep e-mail and password; public agents come through ProConnect (the
        # State's OpenID Connect federation). Both ways at once only if an administrator says so.
        PASSWORD = "PASSWORD", "e-mail et mot de passe"
        PROCONNECT = "PROCONNECT", "ProConnect"
        BOTH = "BOTH", "e-mail et mot de passe, ou ProConnect"

    username = None
    email = models.EmailField("adresse e-mail", unique=True)
    profession = models.CharField("profession", max_length=100, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    login_method = models.CharField(
        "mode de connexion",
        max_length=10,
        choices=LoginMethod.choices,
        default=LoginMethod.PASSWORD,
        help_text=(
            "E-mail et mot de passe pour les membres des CPTS, ProConnect pour les agents "
            "(ARS, Assurance Maladie, URPS…). Les deux à la fois : seulement si un "
            "administrateur l'autorise."
        ),
    )

    # Set when the person proved he reads this address: the sign-up's link (or an invitation's,
    # which reached him there). A self-created account stays inactive until then.
    email_confirmed_at = models.DateTimeField("adresse e-mail confirmée le", null=True, blank=True)

    USERNAME_FIELD = "email"
    # createsuperuser asks for them too: every account has a name (issue 18).
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=sorted(UNHISTORISED_USER_FIELDS))

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = "utilisateur"
        constraints = [
            # Two spellings of one address are one account (the data migration 0004 made the
            # existing rows lower-case).
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="Un compte existe déjà pour cette adresse e-mail.",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = normalise_email(self.email)

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= UNHISTORISED_USER_FIELDS:
            # simple-history's own switch: no history row for this save.
            self.skip_history_when_saving = True
            try:
                super().save(*args, **kwargs)
            finally:
                # pop, not del: threads sharing one user object (tests) may both get here.
                self.__dict__.pop("skip_history_when_saving", None)
            return
        super().save(*args, **kwargs)

    @property
    def may_use_password(self) -> bool:
        return self.login_method in (self.LoginMethod.PASSWORD, self.LoginMethod.BOTH)

    @property
    def may_use_proconnect(self) -> bool:
        return self.login_method in (self.LoginMethod.PROCONNECT, self.LoginMethod.BOTH)

    @cached_property
    def active_memberships(self) -> list["Membership"]:
        """The user's memberships with their organisation, loaded once per request."""
        if not self.pk or not self.is_active:
            return []
        memberships = list(
            self.memberships.select_related("organisation", "organisation__region").order_by(
                "organisation__name"
            )
        )
        # The départements of a scope serve the review and analyst roles only (one query for
        # them; none for a CPTS member, whose pages are the most visited).
        scoped = [m.organisation for m in memberships if not m.is_cpts_role]
        if scoped:
            prefetch_related_objects(scoped, "departements")
        return memberships


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CPTS = "CPTS", "CPTS (association)"
        ARS_DD = "ARS_DD", "ARS — délégation départementale"
        ARS_SIEGE = "ARS_SIEGE", "ARS — siège régional"
        CPAM = "CPAM", "CPAM"
        URPS = "URPS", "Inter URPS"
        MSA = "MSA", "MSA"
        ELSM = "ELSM", "ELSM (service médical)"
        OTHER = "OTHER", "autre"

    class Scope(models.TextChoices):
        DEPARTEMENTS = "DEPARTEMENTS", "départements"
        REGION = "REGION", "région"
        NATIONAL = "NATIONAL", "France entière"

    REVIEW_KINDS = (Kind.ARS_DD, Kind.ARS_SIEGE, Kind.CPAM, Kind.URPS, Kind.MSA, Kind.ELSM)

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(unique=True, max_length=80)
    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    scope = models.CharField(
        "périmètre", max_length=12, choices=Scope.choices, default=Scope.DEPARTEMENTS
    )
    region = models.ForeignKey(
        "geo.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name="région",
    )
    departements = models.ManyToManyField(
        "geo.Departement", blank=True, related_name="organisations", verbose_name="départements"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(scope="REGION") | models.Q(region__isnull=False),
                name="accounts_organisation_region_scope_has_region",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_cpts(self) -> bool:
        return self.kind == self.Kind.CPTS

    @property
    def is_review_body(self) -> bool:
        return self.kind in self.REVIEW_KINDS


class Membership(models.Model):
    """A user's role in one organisation."""

    class Role(models.TextChoices):
        # Inside a CPTS
        COORDINATOR = "COORDINATOR", "coordinateur"
        BUREAU = "BUREAU", "membre du bureau"
        PILOT = "PILOT", "pilote d'action"
        MEMBER = "MEMBER", "membre"
        # Inside a review body
        REVIEWER = "REVIEWER", "instructeur"
        DECIDER = "DECIDER", "décideur (DD ARS)"
        # Read-only over a region or France
        ANALYST = "ANALYST", "analyste"

    CPTS_ROLES = (Role.COORDINATOR, Role.BUREAU, Role.PILOT, Role.MEMBER)
    REVIEW_ROLES = (Role.REVIEWER, Role.DECIDER)

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=12, choices=Role.choices)
    # Managers of a review body invite and manage its people (in a CPTS, coordinators do).
    is_manager = models.BooleanField("responsable de l'équipe", default=False)
    created_at = models.DateTimeField("membre depuis", auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__last_name"]
        verbose_name = "appartenance"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="accounts_membership_one_per_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.organisation_id and not role_fits_organisation(self.role, self.organisation.kind):
            raise ValidationError(
                {"role": "Ce rôle n'existe pas dans une organisation de ce type."}
            )

    @property
    def is_cpts_role(self) -> bool:
        return self.role in self.CPTS_ROLES

    @property
    def is_review_role(self) -> bool:
        return self.role in self.REVIEW_ROLES

    @property
    def manages_team(self) -> bool:
        if self.organisation.kind == Organisation.Kind.CPTS:
            return self.role == self.Role.COORDINATOR
        return self.is_manager


def role_fits_organisation(role: str, kind: str) -> bool:
    """CPTS roles belong to a CPTS, reviewer/decider to a review body, analyst to anything
    but a CPTS."""
    if role in Membership.CPTS_ROLES:
        return kind == Organisation.Kind.CPTS
    if role == Membership.Role.DECIDER:
        return kind == Organisation.Kind.ARS_DD
    if role == Membership.Role.REVIEWER:
        return kind in Organisation.REVIEW_KINDS
    return kind != Organisation.Kind.CPTS


def allowed_roles(kind: str) -> list[tuple[str, str]]:
    """The roles a person can hold in an organisation of this kind, for invitation forms."""
    return [
        (value, label)
        for value, label in Membership.Role.choices
        if role_fits_organisation(value, kind)
    ]


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation with a role.

    The link carries a random token; only its SHA-256 is stored. Single use, expires after
    INVITATION_DAYS, revocable.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", "en attente"
        ACCEPTED = "ACCEPTED", "acceptée"
        CANCELLED = "CANCELLED", "annulée"
        EXPIRED = "EXPIRED", "expirée"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("adresse e-mail")
    role = models.CharField("rôle", max_length=12, choices=Membership.Role.choices)
    is_manager = models.BooleanField("responsable de l'équipe", default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    sent_at = models.DateTimeField("dernier envoi le")
    expires_at = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "invitation"

    def __str__(self):
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def is_for(self, user) -> bool:
        """Whether this invitation was sent to this account's address."""
        return bool(self.email) and normalise_email(user.email) == normalise_email(self.email)

    def status_at(self, now) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.cancelled_at:
            return self.Status.CANCELLED
        if now >= self.expires_at:
            return self.Status.EXPIRED
        return self.Status.PENDING


class TeamEvent(models.Model):
    """The trace of a team: invitations, acceptances, role changes, removals."""

    class Kind(models.TextChoices):
        INVITED = "INVITED", "invitation envoyée"
        RESENT = "RESENT", "invitation renvoyée"
        CANCELLED = "CANCELLED", "invitation annulée"
        ACCEPTED = "ACCEPTED", "invitation acceptée"
        ROLE_CHANGED = "ROLE_CHANGED", "rôle modifié"
        REMOVED = "REMOVED", "retrait de l'équipe"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("événement", max_length=14, choices=Kind.choices)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par"
    )
    email = models.EmailField("personne concernée")
    detail = models.CharField("détail", max_length=300, blank=True)
    at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "événement d'équipe"

    def __str__(self):
        return f"{self.get_kind_display()} — {self.email}"


class ExternalLogin(models.Model):
    """A login through ProConnect, with what the provider said of the authentication: its
    level (`acr`, e.g. eidas1) and methods (`amr`, e.g. pwd, mfa), and which identity provider
    of the federation vouched for the person (`idp_id`)."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="external_logins"
    )
    provider = models.CharField("fournisseur", max_length=30, default="proconnect")
    subject = models.CharField("identifiant chez le fournisseur (sub)", max_length=255)
    acr = models.CharField("niveau d'authentification (acr)", max_length=200, blank=True)
    amr = models.JSONField("méthodes d'authentification (amr)", default=list, blank=True)
    idp_id = models.CharField("fournisseur d'identité (idp_id)", max_length=200, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "connexion ProConnect"
        verbose_name_plural = "connexions ProConnect"

    def __str__(self):
        return f"{self.user} — {self.acr or 'acr inconnu'} — {self.at:%d/%m/%Y %H:%M}"


class SignupAttempt(models.Model):
    """One public sign-up action (an account asked, a link sent again, a project started),
    counted to throttle them like the login's lockout (accounts/signup.py): the key is the
    SHA-256 of the address or of the client's IP, never the address itself."""

    action = models.CharField("action", max_length=20)
    key = models.CharField("clé (empreinte)", max_length=64)
    at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "tentative d'inscription"
        verbose_name_plural = "tentatives d'inscription"
        indexes = [models.Index(fields=["action", "key", "at"], name="accounts_signup_throttle")]

    def __str__(self):
        return f"{self.action} {self.at:%d/%m/%Y %H:%M}"
