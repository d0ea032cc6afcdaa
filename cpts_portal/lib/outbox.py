"""The outbox: background work that survives a Redis or worker outage.

An action that must trigger a task (an e-mail, a PDF) writes an `OutboxMessage` row in its own
transaction (`enqueue`): the row commits with the action or not at all. After the commit the
message is handed to the broker at once (`send`, with a short timeout: a dead broker costs the
user a second, not twenty); when that fails the row stays pending and `dispatch_due` sends it
again with an exponential back-off: every minute from Celery beat, from the management command
`dispatch_outbox` (cron or a systemd timer, when beat itself is down), and opportunistically
after each message that goes through.

Tasks get the row's id as `outbox_id`: they skip a message already delivered and mark it
delivered when done (`already_delivered`, `mark_delivered`), so that a message sent twice (a
dispatcher racing the commit hook, a redelivery after a worker died) runs once.

With CELERY_TASK_ALWAYS_EAGER (the demo, the tests) the task runs in-process at the send.
"""

import datetime as dt
import logging

from celery import current_app
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)

# Back-off between two attempts: 30 s, 1 min, 2 min… up to one hour; never given up.
BACKOFF_FIRST = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=1)
# From this many failed attempts the admin lists the message as failing.
FAILING_AFTER = 3
# Sent to let higher layers do their periodic repairs (stale documents) at each dispatch.
dispatching = Signal()


class OutboxMessage(models.Model):
    """One task to run: written with the action, sent after its commit, retried until sent."""

    task = models.CharField("tâche", max_length=200)
    kwargs = models.JSONField("arguments", default=dict)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    attempts = models.PositiveIntegerField("tentatives d'envoi", default=0)
    next_attempt_at = models.DateTimeField(
        "prochaine tentative", default=timezone.now, db_index=True
    )
    sent_at = models.DateTimeField("confié au broker le", null=True, blank=True)
    delivered_at = models.DateTimeField("exécuté le", null=True, blank=True)
    last_error = models.TextField("dernière erreur", blank=True)

    class Meta:
        app_label = "cpts_portal"
        ordering = ["-created_at"]
        verbose_name = "message en attente d'envoi (outbox)"
        verbose_name_plural = "messages en attente d'envoi (outbox)"
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.task} #{self.pk}"


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def enqueue(task, **kwargs) -> OutboxMessage:
    """Write the message in the current transaction; send it once the transaction commits.

    `task` is a Celery task (or its name); `kwargs` must be JSON."""
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(task=name, kwargs=kwargs)
    transaction.on_commit(lambda: send_pending(message.pk))
    return message


def send_pending(pk: int) -> bool:
    """Send one message if it is still unsent (after its commit); then, if the broker answered,
    the other messages that are due (one query when none is). Never raises: the dispatcher will
    try again."""
    sent = _send_locked(pk) is True
    if sent:
        try:
            _send_due(limit=20)
        except Exception:  # noqa: BLE001 - opportunistic only: beat and the command catch up
            logger.exception("Outbox: opportunistic dispatch failed")
    return sent


def _send_locked(pk: int) -> bool | None:
    """Send the message under its row lock; None when it is already sent or another dispatcher
    holds it."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, sent_at=None)
            .first()
        )
        return None if message is None else _send(message)


def _send(message: OutboxMessage) -> bool:
    """Hand the message to the broker (the caller holds its row lock); record the outcome."""
    now = timezone.now()
    message.attempts += 1
    try:
        task = current_app.tasks[message.task]
        # A savepoint: an eager task that fails leaves nothing half-written.
        with transaction.atomic():
            task.apply_async(
                kwargs={**message.kwargs, "outbox_id": message.pk},
                retry=False,  # the outbox retries, with its back-off; no wait in the request
                ignore_result=True,  # no result backend round trip either
            )
    except Exception as error:  # noqa: BLE001 - a broker down, a task that failed eagerly
        at = timezone.localtime(now)
        message.last_error = f"{at:%d/%m/%Y %H:%M:%S} {type(error).__name__} : {error}"[:2000]
        message.next_attempt_at = now + backoff(message.attempts)
        message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        logger.warning(
            "Outbox: %s not sent (%s), next attempt at %s", message, error, message.next_attempt_at
        )
        return False
    message.sent_at = timezone.now()
    message.save(update_fields=["attempts", "sent_at"])
    return True


def dispatch_due(*, limit: int = 200, signal: bool = True) -> dict:
    """Send the unsent messages whose next attempt is due, oldest first; stop at the first
    broker failure (the others would fail the same way). Rows locked by another dispatcher are
    skipped. With `signal`, first let the higher layers repair what they watch."""
    if signal:
        dispatching.send(sender=OutboxMessage)
    sent, failed = _send_due(limit=limit)
    return {"sent": sent, "failed": failed, "pending": pending().count()}


def _send_due(*, limit: int) -> tuple[int, int]:
    """Send the due messages, oldest first, until the first broker failure."""
    sent = failed = 0
    pks = list(
        OutboxMessage.objects.filter(sent_at=None, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in pks:
        ok = _send_locked(pk)
        if ok is None:
            continue
        if ok:
            sent += 1
        else:
            failed += 1
            break
    return sent, failed


def resend(queryset) -> int:
    """The admin's "renvoyer": the messages not yet run are due now and sent again (a message
    sent but lost with a broker's data runs once: the task skips a delivered one)."""
    count = queryset.filter(delivered_at=None).update(sent_at=None, next_attempt_at=timezone.now())
    dispatch_due(signal=False)
    return count


def pending():
    return OutboxMessage.objects.filter(sent_at=None)


def drop_pending(task, **match) -> int:
    """Drop the unsent messages of `task` whose arguments include `match`: a newer message
    replaces them (a resent invitation: the old link no longer works)."""
    name = task if isinstance(task, str) else task.name
    lookups = {f"kwargs__{key}": value for key, value in match.items()}
    return OutboxMessage.objects.filter(task=name, sent_at=None, **lookups).delete()[0]


def already_delivered(outbox_id: int | None) -> bool:
    """True when the task of this message already ran to its end (a duplicate delivery)."""
    return bool(
        outbox_id and OutboxMessage.objects.filter(pk=outbox_id).exclude(delivered_at=None).exists()
    )


def mark_delivered(outbox_id: int | None, *, scrub: tuple[str, ...] = ()) -> None:
    """Record that the task ran; blank the `scrub` arguments (secrets, e.g. a link with its
    token) that no one needs any more."""
    if not outbox_id:
        return
    message = OutboxMessage.objects.filter(pk=outbox_id).first()
    if message is None:
        return
    message.delivered_at = timezone.now()
    if message.sent_at is None:  # ran before its sender recorded the send (eager mode)
        message.sent_at = message.delivered_at
    for key in scrub:
        if key in message.kwargs:
            message.kwargs[key] = "(effacé après envoi)"
    message.save(update_fields=["delivered_at", "sent_at", "kwargs"])
