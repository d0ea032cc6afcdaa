import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _env_example() -> dict:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_check_deploy_is_clean_with_the_production_values_of_env_example():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(_env_example())
    # The one value to replace: the placeholder key fails cpts_portal.E001 (test below).
    env["DJANGO_SECRET_KEY"] = "Zq8vT3mW1pL6xR0nB7cY4kD9sF2hJ5gA8uE1iO3wQ6tV0bN4mC7xZ2lK9jH5dG1s"

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_refuses_the_demo_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(_env_example())
    del env["DJANGO_SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_uploaded_files_are_never_served_by_path_even_in_debug(settings):
    """Every file (grant attachments, evidence, rendered PDFs) goes through a view that
    checks access; a development server must not serve MEDIA_ROOT by its path."""
    import importlib

    from django.urls import clear_url_caches

    import cpts_portal.urls

    settings.DEBUG = True
    try:
        patterns = importlib.reload(cpts_portal.urls).urlpatterns
        assert not [p for p in patterns if "media" in str(p.pattern)]
    finally:
        settings.DEBUG = False
        importlib.reload(cpts_portal.urls)
        clear_url_caches()


def _settings_in_a_fresh_process(code: str, **env_overrides) -> str:
    """Runs `code` after importing the settings module with the given environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", "import cpts_portal.settings as s\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sessions_last_a_working_day_and_end_with_the_browser(settings):
    from django.conf import settings as live

    assert live.SESSION_COOKIE_AGE == 12 * 3600
    assert live.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    age = _settings_in_a_fresh_process(
        "print(s.SESSION_COOKIE_AGE)", DJANGO_SESSION_COOKIE_AGE="3600"
    )
    assert age == "3600"


def test_the_forwarded_proto_header_is_trusted_only_behind_a_declared_proxy():
    code = "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"

    assert _settings_in_a_fresh_process(code) == "None"
    assert _settings_in_a_fresh_process(code, DJANGO_BEHIND_PROXY="false") == "None"
    assert _settings_in_a_fresh_process(code, DJANGO_BEHIND_PROXY="true") == (
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


def test_compose_does_not_publish_gunicorn_to_the_world():
    compose = (ROOT / "docker-compose.yml").read_text()

    # Not published at all: only nginx reaches it, on the compose network (docs/deploy.md;
    # tests/test_docker_compose.py checks that nginx is the only published service).
    assert "8000:8000" not in compose
    assert '"8000"' in compose.split("\n  web:")[1].split("\n  nginx:")[0]


def test_a_500_traceback_goes_to_stderr_for_gunicorn_s_error_log():
    import logging

    logger = logging.getLogger("django.request")
    streams = [getattr(h, "stream", None) for h in logger.handlers if h.level <= logging.ERROR]

    assert sys.stderr in streams or any(
        getattr(s, "name", "") == "<stderr>" for s in streams if s is not None
    )
    assert logger.propagate is False


def test_a_500_logs_its_traceback_on_stderr():
    code = (
        "import django, logging, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cpts_portal.settings')\n"
        "django.setup()\n"
        "try:\n"
        "    raise ValueError('boom-500')\n"
        "except ValueError:\n"
        "    logging.getLogger('django.request').error('Internal Server Error', exc_info=True)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert "Traceback" in result.stderr and "boom-500" in result.stderr
    assert "boom-500" not in result.stdout


@pytest.mark.parametrize(
    "key",
    [
        _env_example()["DJANGO_SECRET_KEY"],
        "x" * 49,
        "a-perfectly-random-looking-key-but-with-the-word-placeholder-0123",
        "this-is-an-example-key-this-is-an-example-key-this-is-an-example-key",
        "please-change-this-key-please-change-this-key-please-change-this-key",
    ],
)
def test_the_deploy_check_refuses_a_placeholder_secret_key(key):
    from django.test import override_settings

    from cpts_portal.checks import check_secret_key_is_not_a_placeholder

    with override_settings(SECRET_KEY=key):
        errors = check_secret_key_is_not_a_placeholder()

    assert [e.id for e in errors] == ["cpts_portal.E001"]


def test_the_deploy_check_accepts_a_random_secret_key():
    from django.core.management import call_command
    from django.test import override_settings

    key = "Zq8vT3mW1pL6xR0nB7cY4kD9sF2hJ5gA8uE1iO3wQ6tV0bN4mC7xZ2lK9jH5dG1s"
    with override_settings(SECRET_KEY=key):
        from cpts_portal.checks import check_secret_key_is_not_a_placeholder

        assert check_secret_key_is_not_a_placeholder() == []
        call_command("check", "--deploy", "--tag", "security", "--fail-level", "CRITICAL")


def test_check_deploy_fails_on_the_placeholder_key_of_env_example():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(_env_example())

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "cpts_portal.E001" in result.stdout + result.stderr
