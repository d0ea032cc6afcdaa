"""Scoped access to organisations: members see their team (404 for others), managers act (403
for the other members)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership, Organisation


def get_organisation_for_user(
    user, slug: str, *, manage: bool = False
) -> tuple[Organisation, Membership]:
    """The organisation `slug` and the user's membership in it."""
    for membership in user.active_memberships:
        if membership.organisation.slug == slug:
            if manage and not membership.manages_team:
                raise PermissionDenied("Seuls les responsables de l'équipe peuvent faire cela.")
            return membership.organisation, membership
    raise Http404("Organisation introuvable.")
