"""The outbox (cpts_portal/lib/outbox.py): written with the action, sent after its commit,
retried with a back-off, idempotent tasks, visible in the admin."""

import datetime as dt
import socket
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cpts_portal.celery import app as celery_app
from cpts_portal.lib import outbox
from cpts_portal.lib.outbox import OutboxMessage
from lifecycle.notifications import notify_event_task
from projects.models import ProjectEvent

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dead_broker():
    """Celery pointed at a closed loopback port, sending for real (not in-process)."""
    url, eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    celery_app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    celery_app.conf.task_always_eager = False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, eager
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _event(demo) -> ProjectEvent:
    project = demo["projects"]["uzege-pont-du-gard"]
    return ProjectEvent.objects.create(
        project=project,
        # An event without a formal act: its own e-mail is the CPTS's only one (a decision's
        # goes with its letter, lifecycle.notifications.ACT_OF_ACTION).
        action="rework_intention",
        label="Lettre d'intention à retravailler",
        from_state=project.state,
        to_state=project.state,
    )


def test_a_message_is_written_with_the_action_and_rolled_back_with_it(demo):
    event = _event(demo)
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(notify_event_task, event_id=event.pk)
        raise RuntimeError("the action fails")

    assert not OutboxMessage.objects.exists()


def test_a_message_is_sent_after_the_commit_and_its_task_runs_once(
    demo, django_capture_on_commit_callbacks
):
    event = _event(demo)
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue(notify_event_task, event_id=event.pk)
        assert message.sent_at is None  # nothing leaves before the commit

    message.refresh_from_db()
    assert message.sent_at is not None and message.delivered_at is not None
    assert message.attempts == 1
    assert len(mail.outbox) == 1
    # Delivered twice (a dispatcher racing the commit, a redelivery): sent once.
    notify_event_task.apply(kwargs={"event_id": event.pk, "outbox_id": message.pk})
    assert len(mail.outbox) == 1


def test_a_dead_broker_fails_the_send_at_once_and_the_message_waits_with_a_back_off(
    demo, dead_broker
):
    event = _event(demo)
    message = outbox.enqueue(notify_event_task, event_id=event.pk)

    start = time.monotonic()
    assert outbox.send_pending(message.pk) is False
    assert time.monotonic() - start < 2  # not the 19 s of kombu's default retries

    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert "Connection refused" in message.last_error or "111" in message.last_error
    assert message.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)
    # Not due yet: the dispatcher leaves it.
    assert outbox.dispatch_due()["sent"] == 0
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 1


def test_the_back_off_doubles_up_to_an_hour():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert outbox.backoff(30) == dt.timedelta(hours=1)


def test_the_dispatcher_sends_the_due_messages_oldest_first(demo):
    event = _event(demo)
    due = OutboxMessage.objects.create(
        task=notify_event_task.name, kwargs={"event_id": event.pk}, attempts=2
    )
    later = OutboxMessage.objects.create(
        task=notify_event_task.name,
        kwargs={"event_id": event.pk},
        next_attempt_at=timezone.now() + dt.timedelta(minutes=5),
    )

    result = outbox.dispatch_due()

    assert result == {"sent": 1, "failed": 0, "pending": 1}
    due.refresh_from_db(), later.refresh_from_db()
    assert due.delivered_at is not None and due.attempts == 3
    assert later.sent_at is None


def test_a_send_with_nothing_else_due_costs_one_look_for_more_and_no_count(
    demo,
):
    """After a message goes through, the opportunistic catch-up is one query when nothing else
    is due: no pending count (only the dispatcher's report needs it) and no second signal."""
    message = OutboxMessage.objects.create(task="no.such.task", kwargs={})
    message.next_attempt_at = timezone.now() + dt.timedelta(minutes=5)
    message.save()
    queued = OutboxMessage.objects.create(
        task=notify_event_task.name, kwargs={"event_id": _event(demo).pk}
    )

    with CaptureQueriesContext(connection) as queries:
        assert outbox.send_pending(queued.pk)

    sql = [query["sql"] for query in queries.captured_queries]
    assert not any("COUNT(" in statement for statement in sql), sql
    due_lookups = [s for s in sql if '"next_attempt_at" <=' in s]
    assert len(due_lookups) == 1, sql


def test_the_admin_lists_the_outbox_by_state_and_resends(demo, client):
    from accounts.models import User

    admin = User.objects.filter(is_superuser=True).first()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    event = _event(demo)
    failing = OutboxMessage.objects.create(
        task=notify_event_task.name,
        kwargs={"event_id": event.pk},
        attempts=4,
        last_error="OperationalError : Connection refused",
        next_attempt_at=timezone.now() + dt.timedelta(minutes=30),
    )
    url = reverse("admin:cpts_portal_outboxmessage_changelist")

    page = client.get(url, {"etat": "failing"}).content.decode()
    assert "lifecycle.notify_event" in page and "Connection refused" in page
    assert "en échec" in page
    assert "Connection refused" not in client.get(url, {"etat": "delivered"}).content.decode()

    client.post(url, {"action": "resend", "_selected_action": [failing.pk]})

    failing.refresh_from_db()
    assert failing.delivered_at is not None and len(mail.outbox) == 1


def test_the_admin_never_shows_an_invitation_link():
    from cpts_portal.admin import OutboxMessageAdmin

    message = OutboxMessage(task="accounts.send_invitation_email", kwargs={"url": "/t/secret/"})
    shown = OutboxMessageAdmin(OutboxMessage, None).arguments(message)
    assert "secret" not in str(shown)


def test_the_dispatch_runs_every_minute_and_tasks_survive_a_worker_or_redis_restart():
    conf = celery_app.conf
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["cpts_portal.dispatch_outbox"] == 60.0
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert conf.task_time_limit < visibility < settings.DOCUMENT_STALE_MINUTES * 60
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    compose = (ROOT / "docker-compose.yml").read_text()
    redis = compose.split("\n  redis:\n")[1].split("\n  web:")[0]
    assert '"--appendonly", "yes"' in redis and "redisdata:/data" in redis


def test_a_resent_invitation_replaces_the_email_still_waiting_with_the_old_link(
    demo, login, client, dead_broker, django_capture_on_commit_callbacks
):
    from accounts.models import Invitation

    login(demo["users"]["claire.martin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("team:invitation-create", args=["cpts-pic-saint-loup"]),
            {"email": "nouvelle.pilote@exemple.fr", "role": "PILOT"},
        )
    invitation = Invitation.objects.get(email="nouvelle.pilote@exemple.fr")
    old = OutboxMessage.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("team:invitation-resend", args=["cpts-pic-saint-loup", invitation.pk]))

    message = OutboxMessage.objects.get()  # one e-mail waits: the one with the new link
    assert message.pk != old.pk and message.sent_at is None
