from celery import shared_task


@shared_task(name="cpts_portal.ping")
def ping_task(*, value: str = "pong", **kwargs) -> dict:
    """A trivial round trip through the broker, used to check a worker is alive."""
    return {"value": value}
