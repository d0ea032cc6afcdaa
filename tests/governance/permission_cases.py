"""Who may open each governance URL (tests/test_permissions.py walks them all).

Coordinators and bureau members write; the CPTS's other people, reviewers in scope and
analysts read; members' contact details and indemnities stay inside the CPTS (403 for
reviewers and analysts) and only coordinators and bureau members export them; other CPTS and
reviewers out of scope get 404.
"""

from governance.models import Deliberation, Indemnity, Partnership
from tests.permissions import CPTS_ONLY, PROJECT_READ, expect

GOVERNANCE_WRITE = expect(
    anonymous=302,
    coordinator=200,
    bureau=200,
    other_cpts=404,
    reviewer_out_of_scope=404,
    decider_out_of_scope=404,
    default=403,
)
NOT_FOUND = expect(anonymous=302, default=404)
# Readers of Uzège – Pont du Gard (Gard, 30): its CPTS, the Gard's reviewers, the region.
UZEGE_READ = expect(
    anonymous=302,
    other_cpts=200,
    reviewer_out_of_scope=200,
    decider_out_of_scope=200,
    urps_region=200,
    analyst=200,
    admin=200,
    default=404,
)

S = {"slug": "pic-saint-loup"}


def pic_partnership(demo):
    partnership = Partnership.objects.filter(project__slug=S["slug"]).order_by("pk").first()
    return {**S, "pk": partnership.pk}


def pic_indemnity(demo):
    indemnity = Indemnity.objects.filter(project__slug=S["slug"]).order_by("pk").first()
    return {**S, "pk": indemnity.pk}


def pic_decision(demo):
    decision = Deliberation.objects.filter(meeting__project__slug=S["slug"], meeting__number=3)
    return {**S, "number": 3, "decision": decision.order_by("pk").first().pk}


CASES = {
    "governance:overview": [(S, PROJECT_READ)],
    "governance:association-edit": [(S, GOVERNANCE_WRITE)],
    "governance:association-history": [(S, PROJECT_READ)],
    "governance:information-system": [(S, PROJECT_READ)],
    "governance:information-system-edit": [(S, GOVERNANCE_WRITE)],
    "governance:information-system-history": [(S, PROJECT_READ)],
    "governance:member-list": [(S, PROJECT_READ)],
    "governance:member-create": [(S, GOVERNANCE_WRITE)],
    "governance:member-import": [(S, GOVERNANCE_WRITE)],
    "governance:member-template": [(S, GOVERNANCE_WRITE)],
    # The export of every member's contacts: coordinators and bureau members only.
    "governance:member-export": [(S, GOVERNANCE_WRITE)],
    "governance:member-edit": [
        ({**S, "number": 1}, GOVERNANCE_WRITE),
        (
            {**S, "number": 999},
            expect(
                anonymous=302,
                coordinator=404,
                bureau=404,
                other_cpts=404,
                reviewer_out_of_scope=404,
                decider_out_of_scope=404,
                default=403,
            ),
        ),
    ],
    "governance:member-history": [({**S, "number": 1}, CPTS_ONLY)],
    "governance:bureau": [(S, PROJECT_READ)],
    "governance:instance-create": [(S, GOVERNANCE_WRITE)],
    "governance:instance-detail": [
        ({**S, "instance": "bureau"}, PROJECT_READ),
        ({**S, "instance": "conseil-administration"}, PROJECT_READ),
        ({**S, "instance": "assemblee-generale"}, PROJECT_READ),
    ],
    "governance:instance-edit": [({**S, "instance": "bureau"}, GOVERNANCE_WRITE)],
    "governance:rules-edit": [({**S, "instance": "bureau"}, GOVERNANCE_WRITE)],
    "governance:rules-history": [({**S, "instance": "bureau"}, PROJECT_READ)],
    "governance:mandate-create": [({**S, "instance": "bureau"}, GOVERNANCE_WRITE)],
    "governance:mandate-edit": [({**S, "number": 1}, GOVERNANCE_WRITE)],
    "governance:meeting-list": [(S, PROJECT_READ)],
    "governance:meeting-create": [(S, GOVERNANCE_WRITE)],
    "governance:meeting-detail": [
        ({**S, "number": 3}, PROJECT_READ),
        ({"slug": "uzege-pont-du-gard", "number": 1}, UZEGE_READ),
        # Pic Saint-Loup's meeting 4 under Uzège's slug: not found, even for Uzège's readers.
        ({"slug": "uzege-pont-du-gard", "number": 4}, NOT_FOUND),
    ],
    "governance:meeting-edit": [({**S, "number": 4}, GOVERNANCE_WRITE)],
    "governance:meeting-attendance": [({**S, "number": 3}, GOVERNANCE_WRITE)],
    "governance:decision-create": [({**S, "number": 3}, GOVERNANCE_WRITE)],
    "governance:decision-edit": [(pic_decision, GOVERNANCE_WRITE)],
    "governance:minutes-edit": [({**S, "number": 3}, GOVERNANCE_WRITE)],
    "governance:minutes-history": [({**S, "number": 3}, PROJECT_READ)],
    "governance:document-upload": [(S, GOVERNANCE_WRITE)],
    "governance:document-download": [
        ({**S, "number": 1}, PROJECT_READ),
        # Uzège's statuts exist as document 1 of its own project only.
        ({"slug": "uzege-pont-du-gard", "number": 1}, UZEGE_READ),
        # Pic Saint-Loup's convention (document 3) does not exist under Uzège's slug.
        ({"slug": "uzege-pont-du-gard", "number": 3}, NOT_FOUND),
        ({**S, "number": 999}, NOT_FOUND),
    ],
    "governance:document-edit": [({**S, "number": 1}, GOVERNANCE_WRITE)],
    "governance:partnership-list": [(S, PROJECT_READ)],
    "governance:partnership-edit": [
        (pic_partnership, GOVERNANCE_WRITE),
        (
            {**S, "pk": 999999},
            expect(
                anonymous=302,
                coordinator=404,
                bureau=404,
                other_cpts=404,
                reviewer_out_of_scope=404,
                decider_out_of_scope=404,
                default=403,
            ),
        ),
    ],
    "governance:indemnity-list": [(S, CPTS_ONLY)],
    "governance:indemnity-edit": [(pic_indemnity, GOVERNANCE_WRITE)],
}
