"""The permission matrix: every URL pattern × every role.

It walks the URL resolver, so a new URL fails here until it has its row in CASES: the author
states who may open it. Outsiders get 404, the wrong role 403, anonymous users the login page.
"""

import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permissions import (
    ANALYST_ONLY,
    PROJECT_READ,
    PUBLIC,
    REVIEW_ONLY,
    ROLES,
    UNSUBMITTED_PROJECT_READ,
    expect,
)

# url name -> list of (kwargs, expected statuses)
CASES = {
    "home": [({}, expect(anonymous=302, admin=200, default=302))],
    "help": [({}, PUBLIC)],
    "lifecycle:project-detail": [
        ({"slug": "pic-saint-loup"}, PROJECT_READ),
        ({"slug": "lodevois-larzac"}, UNSUBMITTED_PROJECT_READ),
        ({"slug": "projet-inexistant"}, expect(anonymous=302, default=404)),
    ],
    "lifecycle:review-queue": [({}, REVIEW_ONLY)],
    "lifecycle:analyst-overview": [({}, ANALYST_ONLY)],
    "accounts:login": [({}, expect(anonymous=200, default=302))],
    "accounts:logout": [({}, expect(anonymous=302, default=405))],  # logging out takes a POST
    "accounts:password-reset": [({}, PUBLIC)],
    "accounts:password-reset-done": [({}, PUBLIC)],
    "accounts:password-reset-confirm": [({"uidb64": "MQ", "token": "invalide"}, PUBLIC)],
    "accounts:password-reset-complete": [({}, PUBLIC)],
}


def _app_cases() -> dict:
    """The cases each app declares in tests/<app>/permission_cases.py."""
    cases = {}
    for path in sorted(Path(__file__).parent.glob("*/permission_cases.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.permission_cases")
        duplicated = set(cases) & set(module.CASES)
        assert not duplicated, f"cases declared twice: {duplicated}"
        cases.update(module.CASES)
    return cases


CASES.update(_app_cases())
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


def _case_id(kwargs) -> str:
    if callable(kwargs):
        return kwargs.__name__
    return "-".join(str(v) for v in kwargs.values()) or "x"


# A case is (kwargs, statuses) or (kwargs, statuses, options). kwargs may be a function of the
# demo data (for objects created at test time); options: {"method": "post", "data": {...}}.
MATRIX = [
    (name, case[0], role, case[1][role], case[2] if len(case) > 2 else {})
    for name, cases in CASES.items()
    for case in cases
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kwargs", "role", "status", "options"),
    MATRIX,
    ids=[f"{n}-{_case_id(k)}-{o.get('method', 'get')}-{r}" for n, k, r, _, o in MATRIX],
)
def test_permission_matrix(demo, client, name, kwargs, role, status, options):
    if callable(kwargs):
        kwargs = kwargs(demo)
    if ROLES[role]:
        client.force_login(
            demo["users"][ROLES[role]], backend="django.contrib.auth.backends.ModelBackend"
        )
    url = reverse(name, kwargs=kwargs)

    if options.get("method") == "post":
        response = client.post(url, options.get("data", {}))
    else:
        response = client.get(url)

    if response.streaming:  # files served by FileResponse: read and close them
        b"".join(response.streaming_content)
    response.close()
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
