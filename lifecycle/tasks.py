from celery import shared_task
from django.conf import settings

from projects.models import ProjectEvent


@shared_task(name="lifecycle.notify_event")
def notify_event_task(*, event_id: int, **kwargs) -> int:
    from .notifications import send_event_email

    event = ProjectEvent.objects.select_related("project", "actor").get(pk=event_id)
    return send_event_email(event, base_url=settings.PORTAL_URL)


@shared_task(name="lifecycle.review_daily")
def review_daily_task(**kwargs) -> dict:
    """Daily: record the tacit validations due and send the 15- and 7-day reminders.
    Running it twice the same day changes nothing."""
    from .reminders import send_due_reminders
    from .transitions import record_due_tacit_validations

    return {
        "tacit_validations": record_due_tacit_validations(),
        "reminders": send_due_reminders(),
    }


@shared_task(name="lifecycle.render_document")
def render_document_task(*, document_id: int, **kwargs) -> int:
    from projects.models import Document

    from .documents import document_render

    document = Document.objects.select_related("project__organisation").get(pk=document_id)
    return document_render(document=document).pk
