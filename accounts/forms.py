from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    PasswordResetForm,
    UserChangeForm,
)
from django.core.validators import MaxLengthValidator

from cpts_portal.lib.versioning import VersionedFormMixin

from .models import User, allowed_roles, normalise_email

PROCONNECT_ONLY = (
    "Ce compte se connecte avec ProConnect, pas avec un mot de passe : utilisez le bouton "
    "« S'identifier avec ProConnect »."
)


def lockout_username(request, credentials=None) -> str:
    """django-axes' key for a login attempt (settings.AXES_USERNAME_CALLABLE): the address
    normalised, so that no case variant or space gets fresh guesses on a locked account."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", None) or getattr(request, "POST", {})
        username = username.get(field) if hasattr(username, "get") else None
    return normalise_email(username)


class PasswordLoginAllowedMixin:
    """An account restricted to ProConnect never logs in with a password (checked once the
    password is known to be right, so that the message reveals nothing to a stranger).

    The address typed is normalised before authenticate() and django-axes see it: every case
    variant is the one account and counts against its one lockout."""

    def clean_username(self):
        return normalise_email(self.cleaned_data.get("username"))

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.may_use_password:
            raise forms.ValidationError(PROCONNECT_ONLY, code="proconnect_only")


class LoginForm(PasswordLoginAllowedMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Adresse e-mail"
        # Django sets the field's max_length without its validator: a longer name would reach
        # authenticate() and axes, whose failure record cannot hold it (a 500).
        self.fields["username"].validators.append(
            MaxLengthValidator(self.fields["username"].max_length)
        )
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email"}
        )
        self.fields["password"].label = "Mot de passe"


class AdminLoginForm(PasswordLoginAllowedMixin, AdminAuthenticationForm):
    """The admin's own login page follows the same rule."""


class ResetForm(PasswordResetForm):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail de la personne à inviter")
    role = forms.ChoiceField(label="Rôle proposé")
    is_manager = forms.BooleanField(
        label="Responsable de l'équipe (peut inviter et gérer les rôles)", required=False
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = allowed_roles(organisation.kind)
        if organisation.is_cpts:
            del self.fields["is_manager"]

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label="Rôle")
    is_manager = forms.BooleanField(label="Responsable de l'équipe", required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = allowed_roles(organisation.kind)
        if organisation.is_cpts:
            del self.fields["is_manager"]


class RegisterForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    profession = forms.CharField(label="Profession", max_length=100, required=False)
    password1 = forms.CharField(
        label="Mot de passe", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif password1:
            user = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AdminEmailMixin:
    """The admin's user forms store the address lower-case and trimmed, and refuse one that
    another account holds in another case."""

    def clean_email(self):
        email = normalise_email(self.cleaned_data.get("email"))
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if email and others.exists():
            raise forms.ValidationError("Un compte existe déjà pour cette adresse e-mail.")
        return email


class NamesRequiredMixin:
    """Every account has a first and a last name (issue 18: accounts made in the admin showed
    as "par ," in the histories): required on every form that makes or edits one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("first_name", "Prénom"), ("last_name", "Nom")):
            if name in self.fields:
                self.fields[name].required = True
                self.fields[name].label = label


class AdminUserAddForm(NamesRequiredMixin, AdminEmailMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["email", "first_name", "last_name"]
        field_classes = {}


class AdminUserChangeForm(NamesRequiredMixin, AdminEmailMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}


class ProfileForm(NamesRequiredMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "profession", "phone"]
        labels = {"first_name": "Prénom", "last_name": "Nom"}


class SignupForm(RegisterForm):
    """A person starting a CPTS project alone: his address, name and password. Agents of the
    ARS, the Assurance Maladie and the URPS are invited by their organisation instead."""

    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["email", "first_name", "last_name", "profession", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, email="", **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def clean_email(self):
        self.email = normalise_email(self.cleaned_data["email"])
        return self.email


class ResendForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])
