"""Reminders to the reviewers 15 and 7 days before the opposition deadline.

A reminder is due from its day on (J-15, J-7) until the deadline: a daily run that was missed
is caught up by the next one. Each (deposit, threshold, deadline) is recorded once
(projects.ReviewReminder, unique), so running the task twice sends nothing more; a clock that
starts again (missing pieces received) has a new deadline, hence new reminders. When several
thresholds are due at once (the task stopped for days), one e-mail is sent, for the nearest.
The clock's state comes from its one source, projects.deadlines.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from cpts_portal.lib import outbox
from projects.deadlines import deposit_clock
from projects.models import Deposit, Project, ProjectEvent, ReviewReminder, State

from .notifications import notify_event_task

REMINDER_DAYS = (15, 7)


def send_due_reminders(*, today: dt.date | None = None) -> int:
    """Send the reminders due and not yet sent; returns how many e-mails were queued."""
    today = today or timezone.localdate()
    sent = 0
    projects = Project.objects.filter(state=State.DEPOSITED).prefetch_related(
        Prefetch(
            "deposits",
            queryset=Deposit.objects.select_related("decision").prefetch_related("reminders"),
        )
    )
    for project in projects:
        deposit = max(project.deposits.all(), key=lambda d: d.number, default=None)
        if deposit is None:
            continue
        clock = deposit_clock(deposit, today=today)
        if clock.status != "running":
            continue
        done = {(r.days_before, r.deadline) for r in deposit.reminders.all()}
        due = [
            days
            for days in REMINDER_DAYS
            if clock.days_left <= days and (days, clock.deadline) not in done
        ]
        if due and _send(project, deposit, clock, due):
            sent += 1
    return sent


def _send(project, deposit, clock, due: list[int]) -> bool:
    days = clock.days_left
    try:
        with transaction.atomic():
            for threshold in due:
                ReviewReminder.objects.create(
                    deposit=deposit, days_before=threshold, deadline=clock.deadline
                )
            event = ProjectEvent.objects.create(
                project=project,
                action="review_reminder",
                label=(
                    f"Rappel aux instructeurs : plus que {days} jour{'s' if days > 1 else ''} "
                    f"pour s'opposer, jusqu'au {clock.deadline:%d/%m/%Y} inclus"
                ),
                comment=(
                    f"Dépôt n°{deposit.number}, reçu le {clock.received:%d/%m/%Y}"
                    + (
                        f", délai reparti le {clock.start:%d/%m/%Y}"
                        if clock.start != clock.received
                        else ""
                    )
                    + f" : sans opposition, le projet sera réputé validé le "
                    f"{clock.tacit:%d/%m/%Y}."
                ),
                public=False,
            )
            outbox.enqueue(notify_event_task, event_id=event.pk)
    except IntegrityError:  # another run recorded it meanwhile
        return False
    return True
