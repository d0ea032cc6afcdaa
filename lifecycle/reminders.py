"""Reminders to the reviewers 15 and 7 days before the opposition deadline (once each)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cpts_portal.lib import outbox
from projects.deadlines import opposition_deadline
from projects.models import Project, ProjectEvent, State

from .notifications import notify_event_task

REMINDER_DAYS = (15, 7)


def send_due_reminders(*, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    sent = 0
    for project in Project.objects.filter(state=State.DEPOSITED).prefetch_related("deposits"):
        deposit = max(project.deposits.all(), key=lambda d: d.number, default=None)
        if deposit is None or deposit.is_incomplete:
            continue
        days_left = (opposition_deadline(deposit.clock_start_date) - today).days
        if days_left not in REMINDER_DAYS:
            continue
        key = (
            f"Dépôt n°{deposit.number}, J-{days_left}, délai du {deposit.clock_start_date:%d/%m/%Y}"
        )
        with transaction.atomic():
            event, created = ProjectEvent.objects.get_or_create(
                project=project,
                action="review_reminder",
                comment=key,
                defaults={
                    "label": f"Rappel aux instructeurs : plus que {days_left} jours pour s'opposer",
                    "public": False,
                },
            )
            if created:
                outbox.enqueue(notify_event_task, event_id=event.pk)
                sent += 1
    return sent
