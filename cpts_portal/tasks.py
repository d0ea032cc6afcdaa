from celery import shared_task

from cpts_portal.lib import outbox


@shared_task(name="cpts_portal.ping")
def ping_task(*, value: str = "pong", **kwargs) -> dict:
    """A trivial round trip through the broker, used to check a worker is alive."""
    return {"value": value}


@shared_task(name="cpts_portal.dispatch_outbox")
def dispatch_outbox_task(**kwargs) -> dict:
    """Every minute (beat): send again the outbox messages a broker outage held back."""
    return outbox.dispatch_due()
