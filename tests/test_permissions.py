"""The permission matrix: every URL pattern × every role.

It walks the URL resolver, so a new URL fails here until it has its row in CASES: the author
states who may open it. Outsiders get 404, the wrong role 403, anonymous users the login page.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Demo accounts (projects/demo.py) by the role they play towards the project "pic-saint-loup"
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

# url name -> list of (kwargs, expected statuses)
CASES = {
    "home": [({}, expect(anonymous=302, admin=200, default=302))],
    "projects:project-detail": [
        ({"slug": "pic-saint-loup"}, PROJECT_READ),
        ({"slug": "lodevois-larzac"}, UNSUBMITTED_PROJECT_READ),
        ({"slug": "projet-inexistant"}, expect(anonymous=302, default=404)),
    ],
    "projects:review-queue": [({}, REVIEW_ONLY)],
    "projects:analyst-overview": [({}, ANALYST_ONLY)],
    "accounts:login": [({}, expect(anonymous=200, default=302))],
    "accounts:logout": [({}, expect(anonymous=302, default=405))],  # logging out takes a POST
    "accounts:password-reset": [({}, PUBLIC)],
    "accounts:password-reset-done": [({}, PUBLIC)],
    "accounts:password-reset-confirm": [({"uidb64": "MQ", "token": "invalide"}, PUBLIC)],
    "accounts:password-reset-complete": [({}, PUBLIC)],
}
# The admin checks staff status itself: anonymous and non-staff users are sent to its login.
EXCLUDED_NAMESPACES = {"admin"}


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from _url_names(entry, prefix)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else entry.pattern.describe()


def test_permission_matrix_covers_every_url_pattern():
    names = set(_url_names())

    missing = sorted(names - set(CASES))

    assert not missing, f"URL patterns without a permission case: {missing}"


MATRIX = [
    (name, kwargs, role, statuses[role])
    for name, cases in CASES.items()
    for kwargs, statuses in cases
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kwargs", "role", "status"),
    MATRIX,
    ids=[f"{n}-{'-'.join(k.values()) or 'x'}-{r}" for n, k, r, _ in MATRIX],
)
def test_permission_matrix(demo, client, name, kwargs, role, status):
    if ROLES[role]:
        client.force_login(
            demo["users"][ROLES[role]], backend="django.contrib.auth.backends.ModelBackend"
        )
    url = reverse(name, kwargs=kwargs)

    response = client.get(url)

    assert response.status_code == status, f"{role} on {url}"
    if status == 302 and role == "anonymous" and name not in ("accounts:login",):
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_admin_refuses_everyone_but_staff(demo, client, role):
    if ROLES[role]:
        client.force_login(
            demo["users"][ROLES[role]], backend="django.contrib.auth.backends.ModelBackend"
        )

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert "/admin/login/" in response.url
