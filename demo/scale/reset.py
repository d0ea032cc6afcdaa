"""Removing the scale data of a prefix."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager

from django.apps import apps
from django.db import transaction
from django.db.models import PROTECT, ForeignKey
from django.db.models.signals import m2m_changed, post_delete, pre_delete

from accounts.models import Organisation, User
from projects.models import Project
from projects.paths import project_path

from .plan import PREFIX, email_domain
from .rows import has_history


@contextmanager
def _without_delete_signals():
    """Deleting scale data must not write history rows (it has none) nor load every object
    one by one for the signals: with no receiver, Django deletes in bulk."""
    saved = []
    for signal in (pre_delete, post_delete, m2m_changed):
        with signal.lock:
            saved.append((signal, signal.receivers))
            signal.receivers = []
            signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in saved:
            with signal.lock:
                signal.receivers = receivers
                signal.sender_receivers_cache.clear()


def scale_reset(prefix: str = PREFIX, *, log: Callable[[str], None] = lambda text: None) -> int:
    """Remove every project, organisation and account of the prefix. Returns the number of
    projects removed."""
    projects = Project.objects.filter(slug__regex=rf"^{re.escape(prefix)}-")
    count = projects.count()
    with transaction.atomic(), _without_delete_signals():
        # History rows hold no foreign key to their record: remove those of the prefix first.
        for model in apps.get_models():
            path = project_path(model) if has_history(model) else None
            if path:
                originals = model.objects.filter(**{f"{path}__in": projects})
                model.history.filter(
                    **{f"{model._meta.pk.attname}__in": originals.values("pk")}
                ).delete()
        # Records that protect another record of the same project go first (a meeting its
        # instance, an indemnity its member, a deposited document its deposit).
        for model in apps.get_models():
            path = project_path(model)
            if path and any(
                key.remote_field.on_delete is PROTECT and project_path(key.related_model)
                for key in model._meta.fields
                if isinstance(key, ForeignKey)
            ):
                model.objects.filter(**{f"{path}__in": projects}).delete()
        projects.delete()
        Organisation.objects.filter(slug__startswith=f"cpts-{prefix}-").delete()
        Organisation.objects.filter(slug__startswith=f"{prefix}-").delete()
        User.objects.filter(email__endswith=f"@{email_domain(prefix)}").delete()
    log(f"{count} projects of prefix {prefix!r} removed")
    return count
