"""Who may open each URL of the missions app (see tests/permissions.py).

Demo data (demo/missions.py): on pic-saint-loup, fiche 1 is piloted by julien.roux (the
pilot role), fiche 2 by an outside person, fiche 6 by karim.benali (a member); every fiche
has rows numbered from 1. Uzège has five fiches, so pic's fiche 6 does not exist there.
"""

from tests.permissions import COORDINATOR_WRITE, PROJECT_READ, expect

PIC, UZEGE = "pic-saint-loup", "uzege-pont-du-gard"
NOT_FOUND = expect(anonymous=302, default=404)
HIDDEN = {"other_cpts": 404, "reviewer_out_of_scope": 404, "decider_out_of_scope": 404}
# Editing a fiche: coordinators and the fiche's pilot.
PILOT_OF_FICHE_1 = expect(anonymous=302, coordinator=200, pilot=200, default=403, **HIDDEN)
NOT_PILOT = expect(anonymous=302, coordinator=200, default=403, **HIDDEN)
MEMBER_PILOT = expect(anonymous=302, coordinator=200, member=200, default=403, **HIDDEN)
# POST-only endpoints: the editors reach the method check (405), the others are refused first.
POST_ONLY_PILOT = expect(anonymous=302, coordinator=405, pilot=405, default=403, **HIDDEN)
ROW_OF_NOBODY = expect(anonymous=302, coordinator=404, pilot=404, default=403, **HIDDEN)


def _fiche(number, slug=PIC, **extra):
    return {"slug": slug, "number": str(number), **extra}


CASES = {
    "missions:mission-list": [
        ({"slug": PIC}, PROJECT_READ),
        ({"slug": "projet-inexistant"}, NOT_FOUND),
    ],
    "missions:fiche-create": [({"slug": PIC}, COORDINATOR_WRITE)],
    "missions:fiche-detail": [
        (_fiche(1), PROJECT_READ),
        (_fiche(99), NOT_FOUND),
        (_fiche(6, UZEGE), NOT_FOUND),  # a fiche of pic-saint-loup under another slug
    ],
    "missions:fiche-section": [
        (_fiche(1, section="constats"), PILOT_OF_FICHE_1),
        (_fiche(2, section="constats"), NOT_PILOT),
        (_fiche(6, section="pilote"), MEMBER_PILOT),
        (_fiche(1, section="inconnue"), NOT_FOUND),
        (_fiche(6, UZEGE, section="constats"), NOT_FOUND),
    ],
    "missions:fiche-delete": [(_fiche(1), COORDINATOR_WRITE), (_fiche(6, UZEGE), NOT_FOUND)],
    "missions:fiche-history": [(_fiche(1), PROJECT_READ), (_fiche(6, UZEGE), NOT_FOUND)],
    "missions:row-create": [
        (_fiche(1, kind="sous-actions"), POST_ONLY_PILOT),
        (_fiche(1, kind="indicateurs"), POST_ONLY_PILOT),
        (_fiche(1, kind="membres"), POST_ONLY_PILOT),
        (_fiche(6, UZEGE, kind="sous-actions"), NOT_FOUND),
    ],
    "missions:row-update": [
        (_fiche(1, kind="sous-actions", row="1"), POST_ONLY_PILOT),
        (_fiche(1, kind="indicateurs", row="99"), ROW_OF_NOBODY),
        (_fiche(6, UZEGE, kind="sous-actions", row="1"), NOT_FOUND),
    ],
    "missions:row-move": [
        (_fiche(1, kind="indicateurs", row="1"), POST_ONLY_PILOT),
        (_fiche(6, UZEGE, kind="indicateurs", row="1"), NOT_FOUND),
    ],
    "missions:row-delete": [
        (_fiche(1, kind="membres", row="1"), POST_ONLY_PILOT),
        (_fiche(6, UZEGE, kind="membres", row="1"), NOT_FOUND),
    ],
}

# Indicator results by contract year: read by whoever sees the project, recorded by the
# fiche's editors (coordinators and its pilot).
CASES.update(
    {
        "missions:fiche-results": [(_fiche(1), PROJECT_READ), (_fiche(6, UZEGE), NOT_FOUND)],
        "missions:result-edit": [
            (_fiche(1, indicator="1", year="1"), PILOT_OF_FICHE_1),
            (_fiche(2, indicator="1", year="1"), NOT_PILOT),
            (
                _fiche(1, indicator="1", year="6"),  # the contract lasts five years
                expect(anonymous=302, coordinator=404, pilot=404, default=403, **HIDDEN),
            ),
            (
                _fiche(1, indicator="99", year="1"),
                expect(anonymous=302, coordinator=404, pilot=404, default=403, **HIDDEN),
            ),
            (_fiche(6, UZEGE, indicator="1", year="1"), NOT_FOUND),
        ],
        # No evidence uploaded in the demo of pic-saint-loup: nobody finds one.
        "missions:result-evidence": [(_fiche(1, indicator="1", year="1"), NOT_FOUND)],
    }
)
