"""System checks of the portal's own deployment rules (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Words a real secret key never holds: the `.env.example` placeholder and its kind.
PLACEHOLDER_WORDS = ("change", "example", "placeholder", "insecure")
MIN_SECRET_KEY_LENGTH = 50


@register(Tags.security, deploy=True)
def check_secret_key_is_not_a_placeholder(app_configs=None, **kwargs):
    """Django's own check (security.W009) lets `.env.example`'s placeholder through: it is
    long and varied enough. Refuse it, and any key too short or naming itself a sample."""
    key = str(getattr(settings, "SECRET_KEY", "") or "")
    lowered = key.lower()
    if len(key) < MIN_SECRET_KEY_LENGTH or any(word in lowered for word in PLACEHOLDER_WORDS):
        return [
            Error(
                "DJANGO_SECRET_KEY is a placeholder or too short.",
                hint=(
                    f"Set at least {MIN_SECRET_KEY_LENGTH} random characters, e.g. "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`; "
                    "never the value of .env.example."
                ),
                id="cpts_portal.E001",
            )
        ]
    return []
