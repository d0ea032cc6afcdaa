"""The broker (Redis) is unreachable while a user acts: the action succeeds for him at once,
its e-mail or PDF waits in the outbox, and follows when the broker is back."""

import io
import re
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Invitation
from cpts_portal.lib.outbox import OutboxMessage
from projects.models import Decision, Document, Project

from .conftest import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _timed(call):
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def _dispatch() -> str:
    out = io.StringIO()
    call_command("dispatch_outbox", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_an_ars_decision_with_the_broker_down_succeeds_and_its_email_follows(
    demo, login, broker, django_capture_on_commit_callbacks
):
    client = login(demo["users"]["laurent.bonnet"])
    broker.down()

    with django_capture_on_commit_callbacks(execute=True):
        page, seconds = _timed(
            lambda: client.post(
                reverse("lifecycle:project-transition", args=["uzege-pont-du-gard"]),
                {"action": "validate", "confirm_missing_avis": "on", "comment": "Bon projet."},
                follow=True,
            )
        )

    # What the decider sees: the normal success page, at once.
    assert page.status_code == 200
    assert seconds < 3
    assert "C&#x27;est fait" in page.content.decode()
    # Recorded, and its notification kept.
    assert Project.objects.get(slug="uzege-pont-du-gard").state == "VALIDATED"
    assert Decision.objects.filter(deposit__project__slug="uzege-pont-du-gard").exists()
    # The CPTS hears of the decision by its letter (one e-mail per act: issue 15).
    message = OutboxMessage.objects.get(task="lifecycle.notify_act")
    assert message.sent_at is None and message.attempts == 1
    assert "127.0.0.1" in message.last_error
    assert mail.outbox == []
    # Pressing again says the decision is taken (not an error page).
    again = client.post(
        reverse("lifecycle:project-transition", args=["uzege-pont-du-gard"]),
        {"action": "validate", "confirm_missing_avis": "on"},
        follow=True,
    )
    assert again.status_code == 200

    broker.up()
    waiting = OutboxMessage.objects.filter(sent_at=None)
    assert waiting.count() == 3  # the event's notice, the letter's PDF, the letter's e-mail
    waiting.update(next_attempt_at=message.created_at)  # due now, not after their back-off
    assert "3 envoyé(s)" in _dispatch()

    message.refresh_from_db()
    assert message.sent_at is not None and message.delivered_at is not None
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {
        "thomas.lefevre@demo.cpts-portal.fr",
        "henri.vidal@demo.cpts-portal.fr",
    }
    assert Project.objects.get(slug="uzege-pont-du-gard").name in mail.outbox[0].subject
    assert "Lettre de décision" in mail.outbox[0].subject


@pytest.mark.django_db
def test_an_invitation_with_the_broker_down_is_created_and_its_email_follows(
    demo, login, broker, client, django_capture_on_commit_callbacks
):
    login(demo["users"]["claire.martin"])
    broker.down()

    with django_capture_on_commit_callbacks(execute=True):
        response, seconds = _timed(
            lambda: client.post(
                reverse("team:invitation-create", args=["cpts-pic-saint-loup"]),
                {"email": "nouvelle.pilote@exemple.fr", "role": "PILOT"},
                follow=True,
            )
        )

    assert response.status_code == 200 and seconds < 3
    assert "nouvelle.pilote@exemple.fr" in response.content.decode()
    assert Invitation.objects.filter(email="nouvelle.pilote@exemple.fr").exists()
    message = OutboxMessage.objects.get(task="accounts.send_invitation_email")
    assert message.sent_at is None
    assert mail.outbox == []

    broker.up()
    OutboxMessage.objects.update(next_attempt_at=message.created_at)
    _dispatch()

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nouvelle.pilote@exemple.fr"]
    link = re.search(r"http://testserver(/compte/invitation/\S+/)", mail.outbox[0].body).group(1)
    message.refresh_from_db()
    assert message.delivered_at is not None
    assert "invitation" not in str(message.kwargs["url"])  # the token is not kept once sent
    client.logout()
    assert "Créez votre compte" in client.get(link).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_pdf_asked_with_the_broker_down_waits_and_is_rendered_by_the_worker_when_back(
    demo, login, broker, real_celery
):
    client = login(demo["users"]["claire.martin"])
    broker.down()

    page, seconds = _timed(
        lambda: client.post(
            reverse("lifecycle:document-create", args=["pic-saint-loup"]),
            {"kind": "INTENTION_LETTER"},
            follow=True,
        )
    )

    assert page.status_code == 200 and seconds < 3
    assert "Document en attente" in page.content.decode()
    document = Document.objects.get()
    assert document.status == "PENDING"
    message = OutboxMessage.objects.get(task="lifecycle.render_document")
    assert message.sent_at is None and message.kwargs == {"document_id": document.pk}
    # Asking again while it waits gives the same document, not a second one.
    client.post(
        reverse("lifecycle:document-create", args=["pic-saint-loup"]), {"kind": "INTENTION_LETTER"}
    )
    assert Document.objects.count() == 1

    broker.up(eager=False)  # the real worker renders it
    OutboxMessage.objects.update(next_attempt_at=message.created_at)
    _dispatch()

    assert wait_for(
        lambda: Document.objects.filter(pk=document.pk, status="DONE").exists(), timeout=60
    ), Document.objects.get(pk=document.pk).error
    ready = client.get(reverse("lifecycle:document-detail", args=["pic-saint-loup", document.pk]))
    assert "Le document est prêt" in ready.content.decode()
    assert wait_for(
        lambda: OutboxMessage.objects.filter(pk=message.pk).exclude(delivered_at=None).exists(),
        timeout=10,
    )
