"""Teams: invitations, role changes and removals, each traced in TeamEvent."""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from cpts_portal.lib import outbox
from cpts_portal.lib.versioning import save_versioned

from .models import (
    Invitation,
    Membership,
    Organisation,
    TeamEvent,
    User,
    mask_email,
    normalise_email,
    role_fits_organisation,
)
from .tasks import send_invitation_email_task

INVITATION_DAYS = 7
Role = Membership.Role


class TeamError(Exception):
    """An action on a team that cannot be done; the message is French, for the user."""


class InvitationForAnotherAddress(TeamError):
    """The invitation was sent to another address than the account's: only its addressee
    redeems it (issue 20: a reviewer made herself pilot of a CPTS she reviews)."""

    def __init__(self, invitation: Invitation):
        self.invitation = invitation
        super().__init__(
            f"Cette invitation a été envoyée à une autre adresse ({mask_email(invitation.email)}) "
            "que celle de votre compte. Déconnectez-vous, puis ouvrez à nouveau le lien pour "
            "rejoindre l'équipe avec le compte de cette adresse."
        )


class InvitationUnavailable(TeamError):
    def __init__(self, status: str, invitation: Invitation | None = None):
        self.status = status
        self.invitation = invitation
        super().__init__(status)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _hash(token)


def _send_on_commit(invitation: Invitation, token: str, build_url) -> None:
    """The e-mail goes through the outbox: written with the invitation, sent after the commit,
    retried while the broker is down; one still waiting with an older link is dropped."""
    outbox.drop_pending(send_invitation_email_task, invitation_id=invitation.pk)
    outbox.enqueue(send_invitation_email_task, invitation_id=invitation.pk, url=build_url(token))


def _check_role(organisation: Organisation, role: str) -> None:
    if not role_fits_organisation(role, organisation.kind):
        raise TeamError("Ce rôle n'existe pas dans une organisation de ce type.")


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    is_manager: bool = False,
    by: User,
    build_url,
) -> Invitation:
    email = normalise_email(email)
    _check_role(organisation, role)
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise TeamError(f"{email} fait déjà partie de l'équipe.")
    now = timezone.now()
    pending = [
        i
        for i in organisation.invitations.filter(
            email__iexact=email, accepted_at=None, cancelled_at=None
        )
        if i.status_at(now) == Invitation.Status.PENDING
    ]
    if pending:
        raise TeamError(
            f"Une invitation est déjà en attente pour {email} : renvoyez-la ou annulez-la."
        )
    token, token_hash = _new_token()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        is_manager=is_manager and organisation.kind != Organisation.Kind.CPTS,
        token_hash=token_hash,
        invited_by=by,
        sent_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    TeamEvent.objects.create(
        organisation=organisation,
        kind=TeamEvent.Kind.INVITED,
        actor=by,
        email=email,
        detail=f"comme {invitation.get_role_display()}",
    )
    _send_on_commit(invitation, token, build_url)
    return invitation


def _pending_for_update(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    status = invitation.status_at(timezone.now())
    if status not in (Invitation.Status.PENDING, Invitation.Status.EXPIRED):
        raise TeamError("Cette invitation n'est plus en attente.")
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User, build_url) -> Invitation:
    """A new link (the old one stops working), valid INVITATION_DAYS again."""
    invitation = _pending_for_update(invitation)
    token, invitation.token_hash = _new_token()
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + dt.timedelta(days=INVITATION_DAYS)
    invitation.save()
    TeamEvent.objects.create(
        organisation=invitation.organisation,
        kind=TeamEvent.Kind.RESENT,
        actor=by,
        email=invitation.email,
    )
    _send_on_commit(invitation, token, build_url)
    return invitation


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, by: User) -> Invitation:
    invitation = _pending_for_update(invitation)
    invitation.cancelled_at = timezone.now()
    invitation.save()
    TeamEvent.objects.create(
        organisation=invitation.organisation,
        kind=TeamEvent.Kind.CANCELLED,
        actor=by,
        email=invitation.email,
    )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The invitation of a link, or InvitationUnavailable with why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationUnavailable("UNKNOWN")
    status = invitation.status_at(timezone.now())
    if status != Invitation.Status.PENDING:
        raise InvitationUnavailable(status, invitation)
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    status = invitation.status_at(timezone.now())
    if status != Invitation.Status.PENDING:  # used or cancelled meanwhile
        raise InvitationUnavailable(status, invitation)
    if not invitation.is_for(user):
        raise InvitationForAnotherAddress(invitation)
    membership, _ = Membership.objects.update_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={"role": invitation.role, "is_manager": invitation.is_manager},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save()
    TeamEvent.objects.create(
        organisation=invitation.organisation,
        kind=TeamEvent.Kind.ACCEPTED,
        actor=user,
        email=user.email,
        detail=f"comme {membership.get_role_display()}",
    )
    return membership


@transaction.atomic
def invitation_register(
    *, token: str, first_name: str, last_name: str, profession: str, password: str
) -> User:
    """Create the invitee's account with the invited e-mail, then accept."""
    invitation = invitation_for_token(token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise TeamError(
            "Un compte existe déjà pour cette adresse : connectez-vous pour rejoindre l'équipe."
        )
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        profession=profession,
        # The link reached him at this address.
        email_confirmed_at=timezone.now(),
    )
    invitation_accept(token=token, user=user)
    return user


@transaction.atomic
def invitation_register_with_proconnect(
    *, token: str, email: str, first_name: str, last_name: str
) -> Membership:
    """Create the invitee's account as he accepts with ProConnect, whose verified e-mail must be
    the invited one: an account without password, that logs in with ProConnect only."""
    invitation = invitation_for_token(token)
    invited = normalise_email(invitation.email)
    if normalise_email(email) != invited:
        raise TeamError(
            f"Cette invitation a été adressée à {mask_email(invited)}, mais ProConnect vous "
            f"identifie comme "
            f"{email}. Demandez une invitation à votre adresse ProConnect, ou connectez-vous "
            "à ProConnect avec le bon compte."
        )
    if User.objects.filter(email__iexact=invited).exists():
        raise TeamError(
            "Un compte existe déjà pour cette adresse : connectez-vous pour rejoindre l'équipe."
        )
    if not first_name.strip() or not last_name.strip():
        # Every account has a name (issue 18); ProConnect normally always gives both.
        raise TeamError(
            "ProConnect n'a pas transmis votre prénom et votre nom : ils sont obligatoires. "
            "Rejoignez l'équipe sans ProConnect, en créant votre mot de passe."
        )
    user = User.objects.create_user(
        email=invited,
        email_confirmed_at=timezone.now(),
        password=None,  # unusable: this account has no password
        first_name=first_name,
        last_name=last_name,
        login_method=User.LoginMethod.PROCONNECT,
    )
    return invitation_accept(token=token, user=user)


def _check_keeps_a_manager(
    organisation: Organisation, membership: Membership, *, role, is_manager
) -> None:
    """A CPTS keeps at least one coordinator, a review body at least one manager."""
    others = (
        Membership.objects.select_for_update()
        .filter(organisation=organisation)
        .exclude(pk=membership.pk)
    )
    if organisation.kind == Organisation.Kind.CPTS:
        if role != Role.COORDINATOR and not others.filter(role=Role.COORDINATOR).exists():
            raise TeamError(
                "La CPTS doit garder au moins un coordinateur : nommez-en un autre avant."
            )
    elif not is_manager and not others.filter(is_manager=True).exists():
        raise TeamError(
            "L'organisation doit garder au moins un responsable d'équipe : "
            "nommez-en un autre avant."
        )


@transaction.atomic
def membership_update(
    *, membership: Membership, role: str, is_manager: bool, by: User
) -> Membership:
    organisation = membership.organisation
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    _check_role(organisation, role)
    is_manager = is_manager and organisation.kind != Organisation.Kind.CPTS
    _check_keeps_a_manager(organisation, membership, role=role, is_manager=is_manager)
    before = membership.get_role_display() + (" (responsable)" if membership.is_manager else "")
    membership.role, membership.is_manager = role, is_manager
    membership.save()
    after = membership.get_role_display() + (" (responsable)" if is_manager else "")
    if before != after:
        TeamEvent.objects.create(
            organisation=organisation,
            kind=TeamEvent.Kind.ROLE_CHANGED,
            actor=by,
            email=membership.user.email,
            detail=f"{before} → {after}",
        )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove someone from the team: he loses access at once; his account and the history of
    his edits stay, with his name."""
    organisation = membership.organisation
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    _check_keeps_a_manager(organisation, membership, role=None, is_manager=False)
    email = membership.user.email
    detail = membership.get_role_display()
    membership.delete()
    TeamEvent.objects.create(
        organisation=organisation, kind=TeamEvent.Kind.REMOVED, actor=by, email=email, detail=detail
    )


def user_update_profile(
    *,
    user: User,
    version: int,
    first_name: str,
    last_name: str,
    profession: str,
    phone: str,
    by: User | None = None,
) -> User:
    """The account page's save (versioned, with history); raises EditConflict when the
    profile changed since `version` (an administrator, the user in another tab)."""
    fields = {
        "first_name": first_name,
        "last_name": last_name,
        "profession": profession,
        "phone": phone,
    }
    return save_versioned(user, version=version, by=by or user, fields=fields)
