"""The cast and the real parts shared by every test.

`demo` gives the demo data of `seed_demo` (projects, organisations, one account per role).
Tests marked `browser`, `redis` or `postgres` need a real Chromium, Redis/Celery worker or
PostgreSQL: they skip where the part is missing, except in CI (CI=true) where they fail.
"""

import os
import shutil
import socket
import tempfile

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command

from cpts_portal.celery import app as celery_app

TEST_DEPARTEMENTS = ["30", "34", "13", "75", "69"]
DEMO_PASSWORD = "mot-de-passe-demo"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"
# One folder per pytest-xdist worker: two workers never write or delete each other's files.
TEST_MEDIA_ROOT = os.path.join(
    tempfile.gettempdir(), "cpts-portal-test-media" + os.environ.get("PYTEST_XDIST_WORKER", "")
)


def _redis_available() -> bool:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return False
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    missing = {
        "browser": None if shutil.which(CHROMIUM) else "Chromium is not installed",
        "redis": None if _redis_available() else "REDIS_URL is not set or Redis is down",
        "postgres": None
        if django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
        else "DATABASE_URL is not PostgreSQL",
    }
    if IN_CI:
        return  # in CI nothing skips: a missing part fails the tests that need it
    for item in items:
        for marker, reason in missing.items():
            if reason and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The referential and the demo data are committed once; each test runs in a transaction
    # rolled back at its end. Transactional tests (the browser's) flush the database: the
    # fixtures below put the data back when they find it missing.
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=TEST_MEDIA_ROOT):
        _ensure_referential()
        _ensure_demo()


def _ensure_referential():
    from geo.models import Commune

    present = set(
        Commune.objects.filter(departement_id__in=TEST_DEPARTEMENTS)
        .values_list("departement_id", flat=True)
        .distinct()
    )
    if present != set(TEST_DEPARTEMENTS):
        call_command("load_referential", "--departements", *TEST_DEPARTEMENTS, verbosity=0)


@pytest.fixture(autouse=True)
def _fast_and_eager(settings):
    settings.MEDIA_ROOT = TEST_MEDIA_ROOT  # uploads and PDFs of the tests stay out of media/
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    cache.clear()  # what a page keeps (the analyst overview's figures) never leaks between tests
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def referential(db):
    """The communes of the test départements (reloaded after a transactional test's flush)."""
    _ensure_referential()


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "live_server" in getattr(
        item, "fixturenames", ()
    )


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (the browser's) flushes the database at its end: put the
    referential and the demo back, committed, so that the next tests do not each re-seed them
    inside their own rolled-back transaction."""
    yield
    if _is_transactional(item) and nextitem is not None:
        from django.test import override_settings
        from pytest_django.plugin import blocking_manager_key

        with (
            item.config.stash[blocking_manager_key].unblock(),
            override_settings(MEDIA_ROOT=TEST_MEDIA_ROOT),
        ):
            _ensure_referential()
            _ensure_demo()


def _ensure_demo() -> None:
    from django.test import override_settings

    from accounts.models import User
    from demo.seed import ADMIN, demo_email, demo_seed

    if not User.objects.filter(email=demo_email(ADMIN[0])).exists():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            # Without the deposits' PDFs (rendered again after each browser test's flush
            # otherwise); tests/demo/test_seed_demo.py checks them through the command.
            demo_seed(password=DEMO_PASSWORD, documents=False)


@pytest.fixture
def demo(referential, settings):
    """The demo data: {"projects", "organisations", "users"} keyed by slug / e-mail local part."""
    from accounts.demo_listing import DEMO_EMAIL_DOMAIN
    from accounts.models import Organisation, User
    from demo.seed import ORGANISATIONS, PROJECTS
    from projects.models import Project

    settings.DEMO_PASSWORD = DEMO_PASSWORD
    _ensure_demo()
    return {
        "organisations": Organisation.objects.in_bulk(
            [row[0] for row in ORGANISATIONS], field_name="slug"
        ),
        "projects": Project.objects.in_bulk([row[0] for row in PROJECTS], field_name="slug"),
        "users": {
            user.email.split("@")[0]: user
            for user in User.objects.filter(email__endswith="@" + DEMO_EMAIL_DOMAIN)
        },
    }


@pytest.fixture
def login(client):
    """Log a demo user in the test client: login(user)."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


# --- Browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


# --- Celery worker --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def celery_worker_queue(django_db_setup, django_db_blocker):
    """A real Celery worker on Redis, in its own process and on its own queue.

    It uses the test database (so tasks may read what a transactional test committed).
    Yields the queue name to send tasks to.
    """
    import subprocess
    import sys
    import tempfile
    import time
    import uuid
    from pathlib import Path

    from django.db import connection

    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, CELERY_TASK_ALWAYS_EAGER="false", MEDIA_ROOT=TEST_MEDIA_ROOT)
    db = connection.settings_dict
    if db["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "cpts_portal",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    time.sleep(0.5)
    try:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(log.read().decode())
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def real_celery(celery_worker_queue):
    """Send tasks through the broker to the real worker instead of running them in-process."""
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = celery_worker_queue  # the worker listens there only
    yield celery_worker_queue
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_default_queue = default_queue
