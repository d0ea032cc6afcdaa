"""Issue 15: the deposit asks for confirmation, freezes the file in the request and lets the
worker render its PDF (the page shows the progress)."""

import pytest
from django.urls import reverse

from lifecycle import documents
from lifecycle import transitions as lifecycle
from projects.models import Deposit, Document, Project

pytestmark = pytest.mark.django_db

SLUG = "pic-saint-loup"


@pytest.fixture
def ready(demo, monkeypatch):
    """Pic Saint-Loup in redaction with nothing missing (the domain checks have their own
    tests): what is tested here is the deposit itself."""
    monkeypatch.setattr(lifecycle, "DEPOSIT_CHECKS", [])
    Project.objects.filter(slug=SLUG).update(state="REDACTION", stage="REDACTION")
    return demo


def _deposit(client, **data):
    return client.post(
        reverse("lifecycle:project-transition", args=[SLUG]),
        {"action": "deposit", **data},
        follow=True,
    )


def test_the_deposit_form_says_what_is_sent_and_that_the_clock_starts(ready, login):
    page = login(ready["users"]["claire.martin"]).get(f"/projets/{SLUG}/").content.decode()

    assert "Ce qui sera transmis" in page and "Le délai légal commence" in page
    assert 'name="confirm_deposit"' in page


def test_a_deposit_without_confirmation_changes_nothing(ready, login):
    response = _deposit(login(ready["users"]["claire.martin"]))

    assert "Confirmez le dépôt" in response.content.decode().replace("&#x27;", "'")
    assert Project.objects.get(slug=SLUG).state == "REDACTION"
    assert not Deposit.objects.filter(project__slug=SLUG).exists()


def test_the_deposit_freezes_in_the_request_and_the_worker_renders_the_pdf(
    ready, login, monkeypatch, django_capture_on_commit_callbacks
):
    rendered = []
    real = documents.render_pdf
    monkeypatch.setattr(
        documents, "render_pdf", lambda *a, **k: rendered.append(1) or real(*a, **k)
    )
    client = login(ready["users"]["claire.martin"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _deposit(client, confirm_deposit="on")
    in_request = len(rendered)
    document = Document.objects.get(deposit__project__slug=SLUG, kind="PROJET_DE_SANTE")
    waiting = document.status
    progress = client.get(reverse("lifecycle:document-detail", args=[SLUG, document.pk]))
    for callback in callbacks:
        callback()
    document.refresh_from_db()

    assert in_request == 0  # no PDF rendered in the request
    assert response.redirect_chain[-1][0].endswith(f"/documents/{document.pk}/")
    assert waiting == "PENDING" and "Production du document en cours" in progress.content.decode()
    assert Project.objects.get(slug=SLUG).state == "DEPOSITED"
    deposit = Deposit.objects.get(project__slug=SLUG)
    assert deposit.snapshot and len(deposit.snapshot_hash) == 64
    assert document.source_html and document.status == "DONE" and len(document.file_hash) == 64
    assert rendered == [1, 1]  # the projet de santé and its acknowledgement of receipt
