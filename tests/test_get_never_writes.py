"""No GET request writes to the database.

Reading a page must never create, change or delete a record: a GET can be replayed, prefetched
or crawled, it carries no CSRF token, and what it wrote would not be a deliberate act of
anyone. Every GET case of the permission matrix (tests/test_permissions.py and
tests/<app>/permission_cases.py) is requested by every account it lets through (status below
400, the login redirect of anonymous users aside), and:
- no SQL statement the request runs is an INSERT, UPDATE or DELETE (exact: captured SQL);
- the number of rows of every table is the same before and after it (a second net, for writes
  that would bypass the connection the capture watches).
"""

import re

import pytest
from django.apps import apps
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.models import DiagnosticSection
from tests.permissions import ROLES
from tests.test_permissions import CASES

WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE|MERGE\s+INTO)\s+"?(\w+)"?', re.I
)
# Session and login bookkeeping is not a record of the portal: the session row Django writes
# when the session changes, and django-axes' login attempts and logs.
BOOKKEEPING = re.compile(r"^(django_session|axes_\w+)$")


def _get_cases():
    for name, cases in CASES.items():
        for case in cases:
            options = case[2] if len(case) > 2 else {}
            if options.get("method", "get") != "get":
                continue
            kwargs, statuses = case[0], case[1]
            for role, status in statuses.items():
                if status >= 400 or (role == "anonymous" and status == 302):
                    continue  # refused before the view does anything
                yield name, kwargs, role, status


def _case_id(name, kwargs, role) -> str:
    args = kwargs.__name__ if callable(kwargs) else "-".join(str(v) for v in kwargs.values())
    return f"{name}-{args or 'x'}-{role}"


GET_CASES = list(_get_cases())


def _tables() -> list[str]:
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(t for t in tables if not BOOKKEEPING.match(t))


def _row_counts(tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*) FROM {quote(table)}"  # noqa: S608 - table names from the models
        for i, table in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {tables[i]: count for i, count in cursor.fetchall()}


def _writes(queries) -> list[str]:
    writes = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and not BOOKKEEPING.match(match.group(1)):
            writes.append(query["sql"][:300])
    return writes


def _close(response) -> None:
    # Closing a response sends request_finished, which would close the test's connection (as
    # the test client does, keep it open: the test goes on in its transaction).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_get_cases_come_from_the_matrix():
    # The matrix feeds this test: a change of its format must not leave nothing to request.
    names = {name for name, *_ in GET_CASES}

    assert {
        "lifecycle:project-detail",
        "lifecycle:review-queue",
        "lifecycle:analyst-overview",
        "diagnostics:section-edit",
        "accounts:login",
    } <= names


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kwargs", "role", "status"),
    GET_CASES,
    ids=[_case_id(name, kwargs, role) for name, kwargs, role, _ in GET_CASES],
)
def test_get_writes_nothing(demo, client, name, kwargs, role, status):
    if callable(kwargs):
        kwargs = kwargs(demo)  # the objects the case needs are created before counting
    if ROLES[role]:
        client.force_login(
            demo["users"][ROLES[role]], backend="django.contrib.auth.backends.ModelBackend"
        )
    url = reverse(name, kwargs=kwargs)
    tables = _tables()
    before = _row_counts(tables)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:  # files served by FileResponse: read and close them
            b"".join(response.streaming_content)
            _close(response)

    assert response.status_code == status, f"{role} on {url}"
    writes = _writes(captured.captured_queries)
    assert not writes, f"GET {url} as {role} wrote:\n" + "\n".join(writes)
    after = _row_counts(tables)
    changed = {t: (before[t], after[t]) for t in tables if before[t] != after[t]}
    assert not changed, f"GET {url} as {role} changed row counts: {changed}"


@pytest.mark.django_db
def test_get_of_a_section_nobody_wrote_creates_nothing(demo, login):
    # Every section of the demo project exists: the matrix never opens a missing one.
    project = demo["projects"]["pic-saint-loup"]
    DiagnosticSection.objects.filter(project=project, key="pistes").delete()
    client = login(demo["users"]["claire.martin"])
    url = reverse("diagnostics:section-edit", args=[project.slug, "pistes"])

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)

    assert response.status_code == 200
    assert 'name="version" value="1"' in response.content.decode()
    assert not _writes(captured.captured_queries)
    assert not DiagnosticSection.objects.filter(project=project, key="pistes").exists()
