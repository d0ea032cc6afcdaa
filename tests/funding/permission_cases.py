"""Who may open each funding URL (tests/test_permissions.py walks them all)."""

from tests.permissions import COORDINATOR_WRITE, PROJECT_READ, expect

PIC = {"slug": "pic-saint-loup"}
LOGGED_IN = expect(anonymous=302, default=200)
# Line 16 and grant 2 exist only in the Uzège demo budget: under Pic Saint-Loup they are 404.
NOT_FOUND_FOR_READERS = expect(anonymous=302, default=404)
NOT_FOUND_FOR_COORDINATOR = expect(
    anonymous=302,
    coordinator=404,
    other_cpts=404,
    reviewer_out_of_scope=404,
    decider_out_of_scope=404,
    default=403,
)
POST_ONLY = expect(anonymous=302, default=405)  # the view takes a POST
# Without parameters, an export is prefilled from the user's own CPTS (its territory); the
# others are sent back to the simulator's form.
EXPORT = expect(
    anonymous=302,
    coordinator=200,
    pilot=200,
    bureau=200,
    member=200,
    other_cpts=200,
    default=302,
)
CREATE = expect(
    anonymous=302,
    coordinator=302,
    other_cpts=404,
    reviewer_out_of_scope=404,
    decider_out_of_scope=404,
    default=403,
)

CASES = {
    "funding:simulator": [({}, LOGGED_IN)],
    "funding:simulator-xlsx": [({}, EXPORT)],
    "funding:simulator-pdf": [({}, EXPORT)],
    "funding:project-simulator": [
        (PIC, PROJECT_READ),
        ({"slug": "projet-inexistant"}, expect(anonymous=302, default=404)),
    ],
    "funding:budget-detail": [(PIC, PROJECT_READ)],
    "funding:budget-create": [(PIC, POST_ONLY), (PIC, CREATE, {"method": "post"})],
    "funding:budget-settings": [(PIC, COORDINATOR_WRITE)],
    "funding:budget-history": [(PIC, PROJECT_READ)],
    "funding:budget-xlsx": [(PIC, PROJECT_READ)],
    "funding:line-create": [(PIC, COORDINATOR_WRITE)],
    "funding:line-update": [
        ({**PIC, "number": "1"}, COORDINATOR_WRITE),
        ({**PIC, "number": "16"}, NOT_FOUND_FOR_COORDINATOR),
    ],
    "funding:line-delete": [
        ({**PIC, "number": "1"}, COORDINATOR_WRITE),
        ({**PIC, "number": "16"}, NOT_FOUND_FOR_COORDINATOR),
    ],
    "funding:line-history": [
        ({**PIC, "number": "1"}, PROJECT_READ),
        ({**PIC, "number": "16"}, NOT_FOUND_FOR_READERS),
    ],
    "funding:grant-create": [(PIC, COORDINATOR_WRITE)],
    "funding:grant-update": [
        ({**PIC, "number": "1"}, COORDINATOR_WRITE),
        ({**PIC, "number": "2"}, NOT_FOUND_FOR_COORDINATOR),
    ],
    "funding:grant-document": [
        ({**PIC, "number": "1", "document": "1"}, PROJECT_READ),
        ({**PIC, "number": "1", "document": "2"}, NOT_FOUND_FOR_READERS),
    ],
}
