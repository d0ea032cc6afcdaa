"""A worker killed (SIGKILL) in the middle of a PDF render: the task, acknowledged late, is
given to the next worker, and the document ends ready."""

import pytest
from django.urls import reverse

from cpts_portal.lib.outbox import OutboxMessage
from projects.models import Document

from .conftest import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_leaves_a_task_the_next_worker_finishes(demo, login, workers):
    # A short visibility timeout: the unacknowledged task comes back within seconds.
    first = workers.start(SLOW_RENDER_SECONDS="60", CELERY_VISIBILITY_TIMEOUT="2")
    client = login(demo["users"]["claire.martin"])

    client.post(
        reverse("lifecycle:document-create", args=["pic-saint-loup"]), {"kind": "INTENTION_LETTER"}
    )
    document = Document.objects.get()
    assert wait_for(
        lambda: Document.objects.filter(pk=document.pk, status="RUNNING").exists(), timeout=30
    ), workers.output(first)

    workers.kill(first)

    page = client.get(reverse("lifecycle:document-detail", args=["pic-saint-loup", document.pk]))
    assert "Production du document en cours" in page.content.decode()
    second = workers.start(CELERY_VISIBILITY_TIMEOUT="2")
    assert wait_for(
        lambda: Document.objects.filter(pk=document.pk, status="DONE").exists(), timeout=45
    ), workers.output(second)
    page = client.get(reverse("lifecycle:document-detail", args=["pic-saint-loup", document.pk]))
    assert "Le document est prêt" in page.content.decode()
    assert Document.objects.count() == 1  # the same document, rendered once to its end
    message = OutboxMessage.objects.get(task="lifecycle.render_document")
    assert message.delivered_at is not None
