from examples import services
from tests.permissions import COORDINATOR_WRITE, PROJECT_READ, expect

PIC = {"slug": "pic-saint-loup"}
POST = {"method": "post"}
# Starting a fiche takes missions.add_fiche: the coordinator only (then a redirect to it).
START = {**COORDINATOR_WRITE, "coordinator": 302}


def _shared(demo):
    fiche = demo["projects"]["bassin-de-thau"].fiches.order_by("number").first()
    shared = services.share(fiche=fiche, by=demo["users"]["lucie.bernard"], show_cpts=False)
    return {**PIC, "pk": shared.pk}


def _pic_fiche(demo):
    return {**PIC, "number": demo["projects"]["pic-saint-loup"].fiches.order_by("number")[0].number}


CASES = {
    "examples:library": [(PIC, PROJECT_READ)],
    "examples:example-detail": [
        ({**PIC, "key": "medecin-traitant-patients-fragiles"}, PROJECT_READ),
        ({**PIC, "key": "inconnu"}, expect(anonymous=302, default=404)),
    ],
    "examples:example-start": [
        ({**PIC, "key": "orientation-soins-non-programmes"}, START, POST),
    ],
    "examples:shared-detail": [(_shared, PROJECT_READ)],
    "examples:shared-start": [(_shared, START, POST)],
    "examples:sharing": [(PIC, COORDINATOR_WRITE)],
    # pic-saint-loup's projet de santé is not validated: withdrawing works (nothing shared),
    # sharing is refused (tests/examples/test_library.py).
    "examples:share-fiche": [
        (
            _pic_fiche,
            {**COORDINATOR_WRITE, "coordinator": 302},
            {**POST, "data": {"action": "retirer"}},
        )
    ],
}
