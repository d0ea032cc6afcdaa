import os
import subprocess
import sys
from pathlib import Path

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
