from django.conf import settings

from accounts.models import Membership


def portal(request):
    """Navigation entries by role, computed from the memberships loaded once per request."""
    user = getattr(request, "user", None)
    nav = {"cpts": False, "review": False, "analyst": False, "admin": False, "teams": []}
    if user is not None and user.is_authenticated:
        roles = {m.role for m in user.active_memberships}
        nav = {
            "cpts": bool(roles & set(Membership.CPTS_ROLES)),
            "review": bool(roles & set(Membership.REVIEW_ROLES)),
            "analyst": Membership.Role.ANALYST in roles or user.is_superuser,
            "admin": user.is_staff,
            # Team pages the user manages (the others stay reachable from his account page).
            "teams": [m.organisation for m in user.active_memberships if m.manages_team],
        }
    # django-htmx's {% htmx_script %} reads the nonce as `csp_nonce`.
    nonce = getattr(request, "csp_nonce", "")
    return {"nav": nav, "demo_mode": settings.DEMO_MODE, "csp_nonce": nonce}
