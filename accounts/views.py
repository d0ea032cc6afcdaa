from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format

from cpts_portal.lib.versioning import EditConflict, conflict_panel

from . import proconnect, services, signup
from .demo_listing import demo_accounts
from .forms import LoginForm, ProfileForm, RegisterForm, ResendForm, ResetForm, SignupForm
from .models import Invitation, User, mask_email, normalise_email


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_accounts"] = demo_accounts()
        context["demo_password"] = settings.DEMO_PASSWORD
        context["proconnect_enabled"] = proconnect.is_enabled()
        return context


class LogoutView(auth_views.LogoutView):
    """Ends the portal's session and, after a ProConnect login, ProConnect's too: the browser
    goes to the provider's end_session_endpoint with the id_token_hint (RP-initiated logout).

    It goes there from a page (an immediate refresh, and a link), not by redirecting the
    logout form's POST: the Content-Security-Policy's `form-action 'self'` would stop a form
    whose redirects leave the portal (ProConnect, then the agent's identity provider)."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(proconnect.SESSION_ID_TOKEN)
        response = super().post(request, *args, **kwargs)
        if id_token:
            url = proconnect.end_session_url(request, id_token)
            if url:
                return render(request, "accounts/proconnect_logout.html", {"end_session_url": url})
            messages.warning(
                request,
                "Vous êtes déconnecté du portail, mais ProConnect n'a pas pu être joint pour "
                "fermer votre session ProConnect : fermez votre navigateur.",
            )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/emails/password_reset.txt"
    html_email_template_name = "accounts/emails/password_reset.html"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    form_class = ResetForm
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- Invitations --------------------------------------------------------------------------

UNAVAILABLE = {
    "UNKNOWN": (
        "Lien d'invitation inconnu",
        "Ce lien ne correspond à aucune invitation. Vérifiez qu'il est complet, "
        "ou demandez une nouvelle invitation.",
        404,
    ),
    Invitation.Status.EXPIRED: (
        "Invitation expirée",
        "Ce lien d'invitation a expiré le {expires}. Demandez à la personne qui vous a "
        "invité de vous en renvoyer un.",
        410,
    ),
    Invitation.Status.ACCEPTED: (
        "Invitation déjà utilisée",
        "Ce lien a déjà servi : chaque invitation ne s'utilise qu'une fois. "
        "Connectez-vous avec votre compte.",
        410,
    ),
    Invitation.Status.CANCELLED: (
        "Invitation annulée",
        "Cette invitation a été annulée. Demandez une nouvelle invitation si besoin.",
        410,
    ),
}


@login_not_required
def invitation_accept(request, token):
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationUnavailable as unavailable:
        title, text, status = UNAVAILABLE[unavailable.status]
        expires = (
            date_format(timezone.localtime(unavailable.invitation.expires_at), "SHORT_DATE_FORMAT")
            if unavailable.invitation
            else ""
        )
        return render(
            request,
            "accounts/invitation_unavailable.html",
            {"title": title, "text": text.format(expires=expires)},
            status=status,
        )
    if request.user.is_authenticated and not invitation.is_for(request.user):
        # Only the account of the invited address redeems the invitation (issue 20).
        return render(
            request,
            "accounts/invitation_other_address.html",
            {"invitation": invitation, "masked_email": mask_email(invitation.email)},
            status=403,
        )
    account_exists = User.objects.filter(email__iexact=normalise_email(invitation.email)).exists()
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            return _accept_and_enter(request, token, request.user)
    elif not account_exists:
        form = RegisterForm(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            try:
                user = services.invitation_register(
                    token=token,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    profession=form.cleaned_data["profession"],
                    password=form.cleaned_data["password1"],
                )
            except services.TeamError as error:
                form.add_error(None, str(error))
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, f"Bienvenue ! Vous avez rejoint {invitation.organisation.name}."
                )
                return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "account_exists": account_exists,
            "login_url": f"{reverse('accounts:login')}?next={request.path}",
            # Agents of the review bodies may join with ProConnect instead of a password.
            "proconnect_url": f"{reverse('accounts:proconnect-login')}?invitation={token}"
            if proconnect.is_enabled() and not invitation.organisation.is_cpts
            else "",
        },
        status=422 if form is not None and form.is_bound else 200,
    )


def _accept_and_enter(request, token, user):
    try:
        membership = services.invitation_accept(token=token, user=user)
    except services.TeamError as error:
        messages.error(request, str(error))
        return redirect("home")
    messages.success(request, f"Vous avez rejoint {membership.organisation.name}.")
    return redirect("home")


# --- Account ------------------------------------------------------------------------------


def profile(request):
    # The form edits a copy: typed values never show as the logged-in user's on the page.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=form.instance, by=request.user, **form.cleaned_data)
        except EditConflict as error:
            conflict = conflict_panel(form, error)
        else:
            messages.success(request, "Vos informations sont enregistrées.")
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "conflict": conflict, "memberships": request.user.active_memberships},
        status=409 if conflict else 422 if form.is_bound else 200,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, "Votre mot de passe est modifié.")
        return super().form_valid(form)


# --- Starting alone: sign-up and confirmation of the address ------------------------------


def _url_builder(request):
    return lambda name, *args: request.build_absolute_uri(reverse(name, args=args))


@login_not_required
def signup_view(request):
    """ "Créer un compte / Lancer un projet de CPTS": the account waits for its address to be
    confirmed; the same page follows whether the address had an account or not."""
    if request.user.is_authenticated:
        return redirect("start:project-start")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signup.throttle(request, "signup", email=form.cleaned_data["email"])
        except signup.Throttled as error:
            return render(
                request, "accounts/signup_throttled.html", {"text": str(error)}, status=429
            )
        signup.signup(
            email=form.cleaned_data["email"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            profession=form.cleaned_data["profession"],
            password=form.cleaned_data["password1"],
            build_url=_url_builder(request),
        )
        request.session[SIGNUP_EMAIL] = form.cleaned_data["email"]
        return redirect("accounts:signup-sent")
    return render(
        request, "accounts/signup.html", {"form": form}, status=422 if form.is_bound else 200
    )


SIGNUP_EMAIL = "signup_email"


@login_not_required
def signup_sent(request):
    """ "Check your mailbox", with a form to send the link again (throttled)."""
    form = ResendForm(request.POST or None, initial={"email": request.session.get(SIGNUP_EMAIL)})
    if request.method == "POST" and form.is_valid():
        try:
            signup.throttle(request, "resend", email=form.cleaned_data["email"])
        except signup.Throttled as error:
            return render(
                request, "accounts/signup_throttled.html", {"text": str(error)}, status=429
            )
        signup.resend(email=form.cleaned_data["email"], build_url=_url_builder(request))
        messages.success(
            request,
            "Si un compte attend sa confirmation à cette adresse, un nouveau lien vient de "
            "lui être envoyé.",
        )
        return redirect("accounts:signup-sent")
    return render(
        request,
        "accounts/signup_sent.html",
        {
            "form": form,
            "email": request.session.get(SIGNUP_EMAIL, ""),
            "days": signup.CONFIRMATION_DAYS,
        },
        status=422 if form.is_bound else 200,
    )


@login_not_required
def signup_confirm(request, token):
    """The link of the e-mail. GET only shows a button (GET never writes, and a mail scanner
    opening the link confirms nothing); the POST opens the account and logs the person in."""
    try:
        pending = signup.user_for_token(token)
    except signup.SignupError as error:
        return render(
            request,
            "accounts/signup_confirm.html",
            {"error": str(error), "resend_url": reverse("accounts:signup-sent")},
            status=410,
        )
    if request.method == "POST":
        try:
            user = signup.confirm(token=token, build_url=_url_builder(request))
        except signup.SignupError as error:
            messages.error(request, str(error))
            return redirect("accounts:login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.pop(SIGNUP_EMAIL, None)
        messages.success(request, "Votre adresse est confirmée : votre compte est ouvert.")
        return redirect("start:project-start")
    return render(request, "accounts/signup_confirm.html", {"pending": pending})
