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
    "projects:deadlines": [({"slug": "pic-saint-loup"}, CPTS_ONLY)],
    "projects:calendar-feed-manage": [
        (
            {"slug": "pic-saint-loup"},
            {role: 302 if status == 200 else status for role, status in CPTS_ONLY.items()},
            {"method": "post"},
        )
    ],
    "projects:calendar-feed": [({"token": "inconnu"}, expect(default=404))],
    "projects:project-transition": [
        # No action given: whoever may see the project is sent back to it with a message.
        (
            {"slug": "pic-saint-loup"},
            {role: 302 if status == 200 else status for role, status in PROJECT_READ.items()},
            {"method": "post"},
        ),
    ],
    "projects:intention-letter": [({"slug": "pic-saint-loup"}, PROJECT_READ)],
    "projects:review-detail": [
        ({"slug": "uzege-pont-du-gard"}, UNDER_REVIEW),
        ({"slug": "pic-saint-loup"}, expect(anonymous=302, default=404)),  # nothing deposited
    ],
    "projects:avis-detail": [
        ({"slug": "uzege-pont-du-gard", "body": "ARS_DD"}, UNDER_REVIEW),
        ({"slug": "uzege-pont-du-gard", "body": "URPS"}, UNDER_REVIEW),
    ],
}
