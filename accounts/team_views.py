"""Team pages: each organisation manages its own people."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from . import services
from .access import get_organisation_for_user
from .forms import InvitationForm, MembershipForm
from .models import Invitation, Membership

EVENTS_SHOWN = 30


def _invitation_url_builder(request):
    return lambda token: request.build_absolute_uri(
        reverse("accounts:invitation-accept", args=[token])
    )


def _team_page(request, organisation, membership, *, invite_form=None, status=200, next_url=""):
    now = timezone.now()
    members = organisation.memberships.select_related("user").order_by(
        "role", "user__last_name", "user__first_name"
    )
    rows = [
        {
            "membership": m,
            "form": MembershipForm(
                organisation=organisation,
                initial={"role": m.role, "is_manager": m.is_manager},
                prefix=f"m{m.pk}",
            ),
        }
        for m in members
    ]
    invitations = [
        (invitation, invitation.status_at(now))
        for invitation in organisation.invitations.filter(accepted_at=None, cancelled_at=None)
        .select_related("invited_by")
        .order_by("-sent_at")
    ]
    events = organisation.events.select_related("actor")[:EVENTS_SHOWN]
    return render(
        request,
        "accounts/team.html",
        {
            "organisation": organisation,
            "me": membership,
            "can_manage": membership.manages_team,
            "rows": rows,
            "invitations": invitations,
            "events": events,
            "invite_form": invite_form or InvitationForm(organisation=organisation),
            "next_url": next_url
            if next_url.startswith("/") and not next_url.startswith("//")
            else "",
        },
        status=status,
    )


@require_GET
def team_detail(request, slug):
    organisation, membership = get_organisation_for_user(request.user, slug)
    # Coming from a fiche-action ("invite a pilot"): the role is proposed, and back we go.
    form = InvitationForm(organisation=organisation, initial={"role": request.GET.get("role", "")})
    return _team_page(
        request, organisation, membership, invite_form=form, next_url=request.GET.get("next", "")
    )


@require_POST
def invitation_create(request, slug):
    organisation, membership = get_organisation_for_user(request.user, slug, manage=True)
    form = InvitationForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                is_manager=form.cleaned_data.get("is_manager", False),
                by=request.user,
                build_url=_invitation_url_builder(request),
            )
        except services.TeamError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                f"Invitation envoyée à {invitation.email} "
                f"(valable {services.INVITATION_DAYS} jours).",
            )
            return redirect(_next_or_team(request, organisation))
    return _team_page(
        request,
        organisation,
        membership,
        invite_form=form,
        status=422,
        next_url=request.POST.get("next", ""),
    )


def _next_or_team(request, organisation):
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return target
    return reverse("team:team-detail", args=[organisation.slug])


@require_POST
def invitation_resend(request, slug, pk):
    organisation, _ = get_organisation_for_user(request.user, slug, manage=True)
    invitation = get_object_or_404(Invitation, organisation=organisation, pk=pk)
    try:
        services.invitation_resend(
            invitation=invitation, by=request.user, build_url=_invitation_url_builder(request)
        )
    except services.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Nouvelle invitation envoyée à {invitation.email}.")
    return redirect("team:team-detail", organisation.slug)


@require_POST
def invitation_cancel(request, slug, pk):
    organisation, _ = get_organisation_for_user(request.user, slug, manage=True)
    invitation = get_object_or_404(Invitation, organisation=organisation, pk=pk)
    try:
        services.invitation_cancel(invitation=invitation, by=request.user)
    except services.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"L'invitation de {invitation.email} est annulée : son lien ne fonctionne plus.",
        )
    return redirect("team:team-detail", organisation.slug)


@require_POST
def membership_update(request, slug, pk):
    organisation, _ = get_organisation_for_user(request.user, slug, manage=True)
    target = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), organisation=organisation, pk=pk
    )
    form = MembershipForm(request.POST, organisation=organisation, prefix=f"m{target.pk}")
    if not form.is_valid():
        messages.error(request, "Choisissez un rôle valable.")
        return redirect("team:team-detail", organisation.slug)
    try:
        services.membership_update(
            membership=target,
            role=form.cleaned_data["role"],
            is_manager=form.cleaned_data.get("is_manager", False),
            by=request.user,
        )
    except services.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Rôle de {target.user} mis à jour.")
    return redirect("team:team-detail", organisation.slug)


@require_POST
def membership_remove(request, slug, pk):
    organisation, _ = get_organisation_for_user(request.user, slug, manage=True)
    target = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), organisation=organisation, pk=pk
    )
    try:
        services.membership_remove(membership=target, by=request.user)
    except services.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{target.user} ne fait plus partie de l'équipe.")
    return redirect("team:team-detail", organisation.slug)
