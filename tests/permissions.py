"""Roles and expected statuses shared by the permission matrix (tests/test_permissions.py).

Each app lists the cases of its URLs in `tests/<app>/permission_cases.py` as
`CASES = {"app:url-name": [(kwargs, expected statuses), ...]}`, built with `expect` and the
common expectations below.
"""

# Demo accounts (demo/seed.py) by the role they play towards the project "pic-saint-loup"
# (Hérault, 34, transmitted to the ARS).
ROLES = {
    "anonymous": None,
    "coordinator": "claire.martin",
    "pilot": "julien.roux",
    "bureau": "sophie.garnier",
    "member": "karim.benali",
    "other_cpts": "thomas.lefevre",
    "reviewer_in_scope": "isabelle.moreau",
    "decider_in_scope": "philippe.girard",
    "cpam_in_scope": "marie.chevalier",
    "urps_region": "pierre.blanc",
    "reviewer_out_of_scope": "camille.dupuis",
    "decider_out_of_scope": "laurent.bonnet",
    "analyst": "helene.rousseau",
    "admin": "admin",
}
CPTS_ROLES = ["coordinator", "pilot", "bureau", "member"]
IN_SCOPE_REVIEW = ["reviewer_in_scope", "decider_in_scope", "cpam_in_scope", "urps_region"]
OUT_OF_SCOPE_REVIEW = ["reviewer_out_of_scope", "decider_out_of_scope"]


def expect(default=None, **statuses):
    """Expected status for each role: the given ones, else `default`."""
    return {role: statuses.get(role, default) for role in ROLES}


# What everyone may do on the project's pages that any viewer may read.
PROJECT_READ = expect(
    anonymous=302,
    other_cpts=404,
    reviewer_out_of_scope=404,
    decider_out_of_scope=404,
    default=200,
)
# The same pages of a project not yet transmitted to the ARS: reviewers do not see it.
UNSUBMITTED_PROJECT_READ = expect(
    anonymous=302,
    coordinator=404,
    pilot=404,
    bureau=404,
    member=404,
    other_cpts=404,
    reviewer_in_scope=404,
    decider_in_scope=404,
    cpam_in_scope=404,
    urps_region=404,
    reviewer_out_of_scope=404,
    decider_out_of_scope=404,
    default=200,  # analyst and administrator
)
REVIEW_ONLY = expect(
    anonymous=302,
    reviewer_in_scope=200,
    decider_in_scope=200,
    cpam_in_scope=200,
    urps_region=200,
    reviewer_out_of_scope=200,
    decider_out_of_scope=200,
    default=403,
)
ANALYST_ONLY = expect(anonymous=302, analyst=200, admin=200, default=403)
PUBLIC = expect(default=200)

# A page only the CPTS's coordinators may use (editing): 403 for the project's other viewers.
COORDINATOR_WRITE = expect(
    anonymous=302,
    coordinator=200,
    other_cpts=404,
    reviewer_out_of_scope=404,
    decider_out_of_scope=404,
    default=403,
)
# A page for the CPTS's own people only (working drafts): reviewers and analysts get 403.
CPTS_ONLY = expect(
    anonymous=302,
    coordinator=200,
    pilot=200,
    bureau=200,
    member=200,
    other_cpts=404,
    reviewer_out_of_scope=404,
    decider_out_of_scope=404,
    default=403,
)
