from accounts.models import Invitation, Membership
from tests.permissions import COORDINATOR_WRITE, PUBLIC, expect

CPTS = "cpts-pic-saint-loup"
ARS = "ars-dd-34"  # isabelle.moreau (manager, reviewer) and philippe.girard (decider)
POST = {"method": "post"}

CPTS_TEAM_READ = expect(
    anonymous=302, coordinator=200, pilot=200, bureau=200, member=200, default=404
)
ARS_TEAM_READ = expect(anonymous=302, reviewer_in_scope=200, decider_in_scope=200, default=404)


def cpts_manage(ok):
    return expect(anonymous=302, coordinator=ok, pilot=403, bureau=403, member=403, default=404)


def ars_manage(ok):
    return expect(anonymous=302, reviewer_in_scope=ok, decider_in_scope=403, default=404)


def _invitation(demo, slug):
    organisation = demo["organisations"][slug]
    return Invitation.objects.create(
        organisation=organisation,
        email="invite@exemple.fr",
        role=Membership.Role.MEMBER if organisation.is_cpts else Membership.Role.REVIEWER,
        token_hash=f"hash-{slug}",
        sent_at="2026-11-20T10:00Z",
        expires_at="2099-01-01T10:00Z",
    )


def cpts_invitation(demo):
    return {"slug": CPTS, "pk": _invitation(demo, CPTS).pk}


def ars_invitation(demo):
    return {"slug": ARS, "pk": _invitation(demo, ARS).pk}


def cpts_member(demo):
    user = demo["users"]["karim.benali"]
    return {"slug": CPTS, "pk": Membership.objects.get(user=user, organisation__slug=CPTS).pk}


def ars_decider(demo):
    user = demo["users"]["philippe.girard"]
    return {"slug": ARS, "pk": Membership.objects.get(user=user, organisation__slug=ARS).pk}


CASES = {
    "team:team-detail": [({"slug": CPTS}, CPTS_TEAM_READ), ({"slug": ARS}, ARS_TEAM_READ)],
    # Empty forms: the managers reach the form (422), the others never do.
    "team:invitation-create": [
        ({"slug": CPTS}, cpts_manage(422), POST),
        ({"slug": ARS}, ars_manage(422), POST),
    ],
    "team:invitation-resend": [
        (cpts_invitation, cpts_manage(302), POST),
        (ars_invitation, ars_manage(302), POST),
    ],
    "team:invitation-cancel": [
        (cpts_invitation, cpts_manage(302), POST),
        (ars_invitation, ars_manage(302), POST),
    ],
    "team:membership-update": [
        (cpts_member, cpts_manage(302), POST),
        (ars_decider, ars_manage(302), POST),
    ],
    "team:membership-remove": [
        (cpts_member, cpts_manage(302), POST),
        (ars_decider, ars_manage(302), POST),
    ],
    "accounts:profile": [({}, expect(anonymous=302, default=200))],
    "accounts:password-change": [({}, expect(anonymous=302, default=200))],
    "accounts:invitation-accept": [({"token": "inconnu"}, expect(default=404))],
    # ProConnect is off in the tests (no PROCONNECT_* variables): its pages do not exist. With
    # it on, see tests/accounts/test_proconnect.py and tests/e2e/test_proconnect.py.
    "accounts:proconnect-login": [({}, expect(default=404))],
    "accounts:proconnect-callback": [({}, expect(default=404))],
    # The provider's return after its logout: back to the login page, for everyone.
    "accounts:proconnect-logout-return": [({}, expect(default=302))],
    # Starting alone (issue 18): public sign-up pages; a logged-in person goes on to the wizard.
    "accounts:signup": [({}, expect(anonymous=200, default=302))],
    "accounts:signup-sent": [({}, PUBLIC)],
    "accounts:signup-confirm": [({"token": "inconnu"}, expect(default=410))],
    # The wizard: CPTS people (and administrators), never the agents of a review body.
    "start:project-start": [
        (
            {},
            expect(
                anonymous=302,
                reviewer_in_scope=403,
                decider_in_scope=403,
                cpam_in_scope=403,
                urps_region=403,
                reviewer_out_of_scope=403,
                decider_out_of_scope=403,
                analyst=403,
                default=200,
            ),
        )
    ],
    "start:first-steps": [({"slug": "pic-saint-loup"}, COORDINATOR_WRITE)],
}
