"""Who may open each URL of the diagnostics app (see tests/test_permissions.py)."""

from tests.permissions import (
    COORDINATOR_WRITE,
    PROJECT_READ,
    UNSUBMITTED_PROJECT_READ,
    expect,
)

PIC = {"slug": "pic-saint-loup"}
# Changing the territory takes a POST: the coordinator's GET is refused with 405, after the
# access check (everyone else gets the usual 403/404).
POST_ONLY_COORDINATOR = {**COORDINATOR_WRITE, "coordinator": 405}
UNKNOWN_SECTION = {**COORDINATOR_WRITE, "coordinator": 404}
OVERLAPS = expect(
    anonymous=302,
    reviewer_in_scope=200,
    decider_in_scope=200,
    cpam_in_scope=200,
    urps_region=200,
    reviewer_out_of_scope=200,
    decider_out_of_scope=200,
    analyst=200,
    admin=200,
    default=403,
)

CASES = {
    "diagnostics:territory-detail": [
        (PIC, PROJECT_READ),
        ({"slug": "lodevois-larzac"}, UNSUBMITTED_PROJECT_READ),
        ({"slug": "projet-inexistant"}, expect(anonymous=302, default=404)),
    ],
    "diagnostics:territory-change": [(PIC, POST_ONLY_COORDINATOR)],
    "diagnostics:territory-history": [(PIC, PROJECT_READ)],
    "diagnostics:overlap-list": [({}, OVERLAPS)],
    "diagnostics:diagnostic-detail": [
        (PIC, PROJECT_READ),
        ({"slug": "lodevois-larzac"}, UNSUBMITTED_PROJECT_READ),
    ],
    "diagnostics:indicator-import": [(PIC, COORDINATOR_WRITE)],
    "diagnostics:section-edit": [
        ({**PIC, "key": "population"}, COORDINATOR_WRITE),
        ({**PIC, "key": "besoins"}, COORDINATOR_WRITE),
        ({**PIC, "key": "inconnue"}, UNKNOWN_SECTION),
    ],
    "diagnostics:section-history": [
        ({**PIC, "key": "offre-de-soins"}, PROJECT_READ),
        (
            {**PIC, "key": "inconnue"},
            expect(
                anonymous=302,
                other_cpts=404,
                reviewer_out_of_scope=404,
                decider_out_of_scope=404,
                default=404,
            ),
        ),
    ],
}
