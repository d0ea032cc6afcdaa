"""PostgreSQL drops the portal's connections between two requests (a restart, a fail-over):
the next request reconnects instead of answering 500, and what it records is kept.

The suite terminates the connections of the test database (pg_terminate_backend, from a
second connection) rather than restarting the cluster, which other test runs on the machine
share: to the portal's kept connection it is the same loss."""

import psycopg2
import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from projects.models import Decision, Project

pytestmark = [pytest.mark.postgres]


def _terminate_the_portal_connections() -> int:
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        (killed,) = cursor.fetchone()
    other.close()
    return killed


@pytest.mark.django_db(transaction=True)
def test_the_next_request_after_postgresql_dropped_the_connections_succeeds(demo, login):
    client = login(demo["users"]["laurent.bonnet"])
    # Production keeps its connections (DATABASE_CONN_MAX_AGE=60 in .env.example).
    connection.close()
    max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    try:
        # The WSGI handler's request boundaries (the test client skips them).
        close_old_connections()
        assert client.get("/projets/uzege-pont-du-gard/").status_code == 200
        close_old_connections()
        assert connection.connection is not None  # kept for the next request

        assert _terminate_the_portal_connections() >= 1

        close_old_connections()
        page = client.post(
            reverse("lifecycle:project-transition", args=["uzege-pont-du-gard"]),
            {"action": "validate", "confirm_missing_avis": "on"},
            follow=True,
        )
        close_old_connections()
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = max_age
        connection.close()

    assert page.status_code == 200
    assert "C&#x27;est fait" in page.content.decode()
    assert Project.objects.get(slug="uzege-pont-du-gard").state == "VALIDATED"
    assert Decision.objects.filter(deposit__project__slug="uzege-pont-du-gard").exists()
