"""Demo accounts (made by seed_demo) listed on the login page when DEMO_MODE is on."""

from django.conf import settings

from accounts.models import Membership, User

DEMO_EMAIL_DOMAIN = "demo.cpts-portal.fr"
ROLE_RANK = {role: rank for rank, role in enumerate(Membership.Role.values)}


def demo_accounts() -> list[dict]:
    if not settings.DEMO_MODE:
        return []
    users = (
        User.objects.filter(email__endswith="@" + DEMO_EMAIL_DOMAIN, is_active=True)
        .prefetch_related("memberships__organisation")
        .order_by("email")
    )
    rows = []
    for user in users:
        memberships = list(user.memberships.all())
        if memberships:
            for membership in memberships:
                rows.append(
                    {
                        "email": user.email,
                        "name": user.get_full_name(),
                        "role": membership.get_role_display(),
                        "organisation": membership.organisation.name,
                        # CPTS people first, then reviewers, then analysts.
                        "rank": ROLE_RANK.get(membership.role, 9),
                    }
                )
        elif user.is_superuser:
            rows.append(
                {
                    "email": user.email,
                    "name": user.get_full_name(),
                    "role": "administrateur",
                    "organisation": "CPTS Portal",
                    "rank": 10,
                }
            )
    rows.sort(key=lambda r: (r["rank"], r["organisation"], r["email"]))
    return rows
