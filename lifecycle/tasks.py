"""The lifecycle's Celery tasks. Each task lives beside the code it runs (the e-mail of an
event in notifications.py, a document's render in documents.py); this module adds the daily
task and names them all for the worker's autodiscovery."""

from celery import shared_task

from .documents import render_document_task
from .notifications import notify_event_task
from .reminders import send_due_reminders
from .transitions import record_due_tacit_validations

__all__ = ["notify_event_task", "render_document_task", "review_daily_task"]


@shared_task(name="lifecycle.review_daily")
def review_daily_task(**kwargs) -> dict:
    """Daily: record the tacit validations due and send the 15- and 7-day reminders.
    Running it twice the same day changes nothing."""
    return {
        "tacit_validations": record_due_tacit_validations(),
        "reminders": send_due_reminders(),
    }
