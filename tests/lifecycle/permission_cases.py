from tests.permissions import CPTS_ONLY, PROJECT_READ, expect

# The Uzège project (Gard, 30) is under review: the Gard's reviewers, the regional Inter URPS
# see its review; nobody else does before the decision — not even the CPTS itself (404).
UNDER_REVIEW = expect(
    anonymous=302,
    urps_region=200,
    reviewer_out_of_scope=200,  # Gard: in scope for Uzège
    decider_out_of_scope=200,
    default=404,
)

CASES = {
    "lifecycle:deadlines": [({"slug": "pic-saint-loup"}, CPTS_ONLY)],
    "lifecycle:calendar-feed-manage": [
        (
            {"slug": "pic-saint-loup"},
            {role: 302 if status == 200 else status for role, status in CPTS_ONLY.items()},
            {"method": "post"},
        )
    ],
    "lifecycle:calendar-feed": [({"token": "inconnu"}, expect(default=404))],
    "lifecycle:project-transition": [
        # No action given: whoever may see the project is sent back to it with a message.
        (
            {"slug": "pic-saint-loup"},
            {role: 302 if status == 200 else status for role, status in PROJECT_READ.items()},
            {"method": "post"},
        ),
    ],
    "lifecycle:intention-letter": [({"slug": "pic-saint-loup"}, PROJECT_READ)],
    "lifecycle:review-detail": [
        ({"slug": "uzege-pont-du-gard"}, UNDER_REVIEW),
        ({"slug": "pic-saint-loup"}, expect(anonymous=302, default=404)),  # nothing deposited
    ],
    "lifecycle:avis-detail": [
        ({"slug": "uzege-pont-du-gard", "body": "ARS_DD"}, UNDER_REVIEW),
        ({"slug": "uzege-pont-du-gard", "body": "URPS"}, UNDER_REVIEW),
    ],
}


def _document(demo, kind="INTENTION_LETTER", deposited=False):
    from projects.models import Document

    project = demo["projects"]["pic-saint-loup"]
    return Document.objects.create(project=project, kind=kind, content_hash="x", status="PENDING")


def intention_document(demo):
    return {"slug": "pic-saint-loup", "pk": _document(demo).pk}


def working_document(demo):
    return {"slug": "pic-saint-loup", "pk": _document(demo, kind="PROJET_DE_SANTE").pk}


def ready_document(demo):
    from django.core.files.base import ContentFile

    document = _document(demo)
    document.status = "DONE"
    document.file.save("lettre.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return {"slug": "pic-saint-loup", "pk": document.pk}


CASES.update(
    {
        "lifecycle:document-list": [({"slug": "pic-saint-loup"}, PROJECT_READ)],
        "lifecycle:document-create": [
            # No kind given: refused to everyone who reaches the project.
            (
                {"slug": "pic-saint-loup"},
                {role: 403 if status == 200 else status for role, status in PROJECT_READ.items()},
                {"method": "post"},
            )
        ],
        "lifecycle:document-detail": [
            (intention_document, PROJECT_READ),
            # The CPTS's working draft of the projet de santé: its own people only.
            (working_document, {**CPTS_ONLY, **{k: 404 for k, v in CPTS_ONLY.items() if v == 403}}),
        ],
        "lifecycle:document-download": [(ready_document, PROJECT_READ)],
        # The Word exports (issue 18): the working draft of the projet de santé for the
        # CPTS's own people (404 for anyone else, as its PDF); a fiche for its readers.
        "lifecycle:projet-de-sante-docx": [
            (
                {"slug": "pic-saint-loup"},
                {**CPTS_ONLY, **{k: 404 for k, v in CPTS_ONLY.items() if v == 403}},
            )
        ],
        "lifecycle:fiche-docx": [
            ({"slug": "pic-saint-loup", "number": "1"}, PROJECT_READ),
            ({"slug": "pic-saint-loup", "number": "99"}, expect(anonymous=302, default=404)),
            # Uzège has five fiches: pic's fiche 6 under its slug does not exist.
            ({"slug": "uzege-pont-du-gard", "number": "6"}, expect(anonymous=302, default=404)),
        ],
        "lifecycle:document-retry": [
            # A document still in production: nothing to relaunch, back to its page.
            (
                intention_document,
                {role: 302 if status == 200 else status for role, status in PROJECT_READ.items()},
                {"method": "post"},
            )
        ],
    }
)


# The yearly follow-up. Pic Saint-Loup has no contract yet: its overview says so, its years
# don't exist. The Bassin de Thau (Hérault, 34) is under contract: the roles of tests/
# permissions.py belong to another CPTS (404), the Hérault's reviewers and the region's see it.
THAU = "bassin-de-thau"
THAU_READ = expect(
    anonymous=302,
    coordinator=404,
    pilot=404,
    bureau=404,
    member=404,
    other_cpts=404,
    reviewer_out_of_scope=404,
    decider_out_of_scope=404,
    default=200,
)


def _thau(status_of_readers: int, **allowed) -> dict:
    return {
        role: (allowed.get(role, status_of_readers) if status == 200 else status)
        for role, status in THAU_READ.items()
    }


CASES.update(
    {
        "lifecycle:followup": [
            ({"slug": "pic-saint-loup"}, PROJECT_READ),
            ({"slug": THAU}, THAU_READ),
        ],
        "lifecycle:dialogue": [
            ({"slug": THAU, "year": "2"}, THAU_READ),
            ({"slug": THAU, "year": "6"}, expect(anonymous=302, default=404)),
            ({"slug": "pic-saint-loup", "year": "1"}, expect(anonymous=302, default=404)),
            # Preparing it: the DD ARS and the CPAM (an empty form is refused: 422).
            (
                {"slug": THAU, "year": "2"},
                _thau(403, reviewer_in_scope=422, decider_in_scope=422, cpam_in_scope=422),
                {"method": "post"},
            ),
        ],
        # No party named: nobody signs (403); outsiders don't find the project (404).
        "lifecycle:dialogue-sign": [({"slug": THAU, "year": "2"}, _thau(403), {"method": "post"})],
        "lifecycle:payment-create": [
            (
                {"slug": THAU, "year": "2"},
                # The CPAM pays and records; the administrator only reads (README).
                _thau(403, cpam_in_scope=422),
                {"method": "post"},
            )
        ],
        "lifecycle:dialogue-report": [
            ({"slug": THAU, "year": "1"}, _thau(302), {"method": "post"})
        ],
        # The parties preparing the dialogue adopt the budget's figures (year 2: not signed).
        "lifecycle:dialogue-basis": [
            (
                {"slug": THAU, "year": "2"},
                _thau(403, reviewer_in_scope=302, decider_in_scope=302, cpam_in_scope=302),
                {"method": "post"},
            )
        ],
        # No fact named: only the CPTS declares its missions (none of its members here).
        "lifecycle:fact-create": [({"slug": THAU}, _thau(403), {"method": "post"})],
        # The contract exists once the projet de santé is validated (Thau: signed).
        "lifecycle:contract": [
            ({"slug": THAU}, THAU_READ),
            ({"slug": "pic-saint-loup"}, expect(anonymous=302, default=404)),
        ],
        "lifecycle:contract-sign": [({"slug": THAU}, _thau(403), {"method": "post"})],
        # Thau's contract is signed: its start no longer changes (422 for the parties).
        "lifecycle:contract-start": [
            (
                {"slug": THAU},
                _thau(403, reviewer_in_scope=422, decider_in_scope=422, cpam_in_scope=422),
                {"method": "post"},
            )
        ],
        "lifecycle:contract-pdf": [({"slug": THAU}, _thau(302), {"method": "post"})],
    }
)


def missing_piece(demo):
    """A piece sent by Pic Saint-Loup in answer to a missing-pieces request."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from projects.models import Deposit, MissingPieceFile, MissingPiecesRequest

    project = demo["projects"]["pic-saint-loup"]
    today = timezone.localdate()
    deposit = Deposit.objects.create(
        project=project, number=1, received_date=today, clock_start_date=today
    )
    request = MissingPiecesRequest.objects.create(
        deposit=deposit, pieces="- statuts", requested_on=today, received_date=today
    )
    piece = MissingPieceFile(
        request=request, original_name="statuts.pdf", content_type="application/pdf", size=9
    )
    piece.file.save("piece.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return {"slug": "pic-saint-loup", "pk": piece.pk}


CASES.update(
    {
        # Issue 15: the reception date (DD ARS reviewers of the Uzège project, under review)
        # and the pieces the CPTS sent (its own people and the reviewers in scope).
        "lifecycle:deposit-round": [({"slug": "uzege-pont-du-gard", "number": 1}, UNDER_REVIEW)],
        "lifecycle:reception-date": [
            (
                {"slug": "uzege-pont-du-gard"},
                expect(
                    anonymous=302,
                    urps_region=403,
                    reviewer_out_of_scope=422,  # the Gard's DD ARS: in scope for Uzège
                    decider_out_of_scope=422,
                    default=404,
                ),
                {"method": "post"},
            )
        ],
        "lifecycle:missing-piece-file": [
            (
                missing_piece,
                expect(
                    anonymous=302,
                    coordinator=200,
                    pilot=200,
                    bureau=200,
                    member=200,
                    reviewer_in_scope=200,
                    decider_in_scope=200,
                    cpam_in_scope=200,
                    urps_region=200,
                    default=404,
                ),
            )
        ],
    }
)
