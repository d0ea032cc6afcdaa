"""Starting alone: a person creates his account, proves his address, then starts a project
(lifecycle/start.py). Every step sends its e-mail in French through the outbox, and the public
steps are throttled like the login (django-axes' limits and cool-off).

The confirmation link is signed (django.core.signing, salted, valid CONFIRMATION_DAYS) and
names the account and its address: it serves once (an account confirmed is never confirmed
again, so an administrator's deactivation is never undone by an old link).
"""

import hashlib

from axes.helpers import get_client_ip_address, get_cool_off
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from cpts_portal.lib import outbox

from .models import SignupAttempt, User, normalise_email
from .tasks import send_account_email_task

CONFIRMATION_DAYS = 3
SALT = "accounts.signup.confirm"
# Per client address, over the same cool-off as the login's lockout: an office behind one IP
# may start a few accounts, a script may not.
IP_LIMIT_FACTOR = 4


class SignupError(Exception):
    """A step that cannot be done; the message is French, for the user."""


class Throttled(SignupError):
    pass


# --- Throttle ----------------------------------------------------------------------------


def _key(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def throttle(request, action: str, *, email: str = "", user: User | None = None) -> None:
    """Count one `action` by this client (and this address or account); raise Throttled
    beyond the login's limits (AXES_FAILURE_LIMIT per address or account,
    IP_LIMIT_FACTOR times that per client address, within AXES_COOLOFF_TIME)."""
    if not settings.AXES_ENABLED:
        return
    limit = settings.AXES_FAILURE_LIMIT
    since = timezone.now() - get_cool_off(request)
    keys = [(_key(f"ip:{get_client_ip_address(request) or ''}"), limit * IP_LIMIT_FACTOR)]
    if email:
        keys.append((_key(f"email:{normalise_email(email)}"), limit))
    if user is not None:
        keys.append((_key(f"user:{user.pk}"), limit))
    for key, most in keys:
        if SignupAttempt.objects.filter(action=action, key=key, at__gte=since).count() >= most:
            raise Throttled(
                "Trop de demandes en peu de temps depuis votre connexion ou pour cette adresse. "
                f"Par sécurité, réessayez dans {cool_off_label(request)}."
            )
    SignupAttempt.objects.bulk_create([SignupAttempt(action=action, key=key) for key, _ in keys])


def cool_off_label(request=None) -> str:
    minutes = round(get_cool_off(request).total_seconds() / 60)
    if minutes >= 120:
        return f"{minutes // 60} heures"
    if minutes >= 60:
        return "une heure" if minutes == 60 else f"{minutes} minutes"
    return f"{minutes} minutes"


# --- Tokens ------------------------------------------------------------------------------


def confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT, compress=True)


def user_for_token(token: str) -> User:
    """The account a confirmation link names, still waiting for it; SignupError otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=CONFIRMATION_DAYS * 86400)
    except signing.SignatureExpired:
        raise SignupError(
            f"Ce lien de confirmation a expiré (il est valable {CONFIRMATION_DAYS} jours). "
            "Demandez-en un nouveau ci-dessous."
        ) from None
    except signing.BadSignature:
        raise SignupError(
            "Ce lien de confirmation est incomplet ou inconnu. Vérifiez qu'il est entier, "
            "ou demandez-en un nouveau ci-dessous."
        ) from None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise SignupError("Ce lien de confirmation ne correspond à aucun compte.")
    if user.email_confirmed_at is not None:
        raise SignupError(
            "Cette adresse est déjà confirmée : connectez-vous avec votre adresse et votre "
            "mot de passe."
        )
    return user


# --- Steps -------------------------------------------------------------------------------


def _mail(template: str, *, to: str, context: dict) -> None:
    outbox.enqueue(send_account_email_task, template=template, to=to, context=context)


@transaction.atomic
def signup(
    *,
    email: str,
    first_name: str,
    last_name: str,
    profession: str,
    password: str,
    build_url,
) -> None:
    """Create the account, inactive until its address is confirmed, and send the link.

    Says nothing of who already has an account: the page is the same; the owner of an active
    account gets an e-mail telling him so (with the password reset), an unconfirmed account
    gets the new name and password and a new link."""
    email = normalise_email(email)
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if (
        user is not None
        and user.email_confirmed_at is None
        and not user.is_active
        and user.last_login is None
    ):
        user.first_name, user.last_name, user.profession = first_name, last_name, profession
        user.set_password(password)
        user.save()
    elif user is not None:
        _mail(
            "signup_existing",
            to=user.email,
            context={"first_name": user.first_name, "url": build_url("accounts:password-reset")},
        )
        return
    else:
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            profession=profession,
            is_active=False,
        )
    send_confirmation(user, build_url)


def send_confirmation(user: User, build_url) -> None:
    _mail(
        "signup_confirm",
        to=user.email,
        context={
            "first_name": user.first_name,
            "url": build_url("accounts:signup-confirm", confirmation_token(user)),
            "days": CONFIRMATION_DAYS,
        },
    )


def resend(*, email: str, build_url) -> None:
    """A new link for an account still waiting for it (nothing, silently, otherwise)."""
    user = User.objects.filter(
        email__iexact=normalise_email(email), email_confirmed_at=None, is_active=False
    ).first()
    if user is not None:
        send_confirmation(user, build_url)


@transaction.atomic
def confirm(*, token: str, build_url) -> User:
    """The address is proved: the account opens; an e-mail says what comes next."""
    user = user_for_token(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_confirmed_at is not None:  # confirmed meanwhile, by another click
        raise SignupError("Cette adresse est déjà confirmée : connectez-vous.")
    user.email_confirmed_at = timezone.now()
    user.is_active = True
    user._change_reason = "adresse e-mail confirmée"
    user.save()
    _mail(
        "signup_welcome",
        to=user.email,
        context={"first_name": user.first_name, "url": build_url("start:project-start")},
    )
    return user
