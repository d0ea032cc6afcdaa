"""Documents stuck waiting or rendering (a Redis outage, a worker crash) are shown as failed
with a French message and a "Relancer" button; asking again never returns a stuck one."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cpts_portal.lib.outbox import OutboxMessage
from lifecycle import documents
from projects.models import Document

pytestmark = pytest.mark.django_db
SLUG = "pic-saint-loup"


def _stuck(demo, status="RUNNING", minutes=11) -> Document:
    project = demo["projects"][SLUG]
    content_hash = documents._hash(documents.render_html(project, "INTENTION_LETTER"))
    document = Document.objects.create(
        project=project, kind="INTENTION_LETTER", content_hash=content_hash, status=status
    )
    Document.objects.filter(pk=document.pk).update(
        requested_at=timezone.now() - dt.timedelta(minutes=minutes)
    )
    return Document.objects.get(pk=document.pk)


@pytest.mark.parametrize("status", ["PENDING", "RUNNING"])
def test_a_stuck_document_is_shown_failed_with_a_relaunch_button(demo, login, status):
    client = login(demo["users"]["claire.martin"])
    document = _stuck(demo, status)

    page = client.get(reverse("lifecycle:document-detail", args=[SLUG, document.pk]))
    listing = client.get(reverse("lifecycle:document-list", args=[SLUG]))

    html = page.content.decode()
    assert "La génération n&#x27;a pas abouti" in html
    assert reverse("lifecycle:document-retry", args=[SLUG, document.pk]) in html
    assert ">Relancer</button>" in html
    assert "every 2s" not in html  # no endless polling
    assert "échec (délai dépassé)" in listing.content.decode()


def test_a_recent_document_is_still_in_production(demo, login):
    client = login(demo["users"]["claire.martin"])
    document = _stuck(demo, "PENDING", minutes=1)

    html = client.get(reverse("lifecycle:document-detail", args=[SLUG, document.pk])).content
    assert "Document en attente" in html.decode() and "Relancer" not in html.decode()


def test_asking_again_never_returns_a_stuck_document(demo, django_capture_on_commit_callbacks):
    stuck = _stuck(demo)

    with django_capture_on_commit_callbacks(execute=True):
        document = documents.document_request(
            project=stuck.project, kind="INTENTION_LETTER", by=None
        )

    assert document.pk != stuck.pk
    document.refresh_from_db()
    assert document.status == "DONE"


def test_relaunch_marks_the_stuck_one_failed_and_renders_a_new_one(
    demo, login, django_capture_on_commit_callbacks
):
    client = login(demo["users"]["claire.martin"])
    stuck = _stuck(demo)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("lifecycle:document-retry", args=[SLUG, stuck.pk]), follow=True)

    stuck.refresh_from_db()
    assert stuck.status == "FAILED" and "n'a pas abouti" in stuck.error
    fresh = Document.objects.exclude(pk=stuck.pk).get()
    assert fresh.status == "DONE"
    assert page.redirect_chain[-1][0].endswith(f"/documents/{fresh.pk}/")
    assert "La production du document est relancée." in page.content.decode()


def test_the_dispatcher_fails_the_stuck_documents_in_french(demo):
    stuck, recent = _stuck(demo), _stuck(demo, "PENDING", minutes=2)

    call_command("dispatch_outbox", stdout=io.StringIO())

    stuck.refresh_from_db(), recent.refresh_from_db()
    assert stuck.status == "FAILED" and stuck.error == documents.STALE_MESSAGE
    assert recent.status == "PENDING"


def test_a_render_delivered_twice_renders_once(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = documents.document_request(
            project=demo["projects"][SLUG], kind="INTENTION_LETTER", by=None
        )
    document.refresh_from_db()
    message = OutboxMessage.objects.get(task="lifecycle.render_document")
    first = (document.file.name, document.file_hash, document.finished_at)

    documents.render_document_task.apply(kwargs={"document_id": document.pk})

    document.refresh_from_db()
    assert (document.file.name, document.file_hash, document.finished_at) == first
    assert message.kwargs == {"document_id": document.pk}


def test_a_reviewer_cannot_relaunch_the_cpts_working_draft(demo, login):
    project = demo["projects"][SLUG]
    draft = Document.objects.create(
        project=project, kind="PROJET_DE_SANTE", content_hash="x", status="FAILED"
    )
    client = login(demo["users"]["isabelle.moreau"])

    response = client.post(reverse("lifecycle:document-retry", args=[SLUG, draft.pk]))

    assert response.status_code == 404
    assert Document.objects.count() == 1
