import io

import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse

from projects.models import Document, IntentionLetter

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _download(client, slug, document):
    response = client.get(reverse("lifecycle:document-download", args=[slug, document.pk]))
    content = b"".join(response.streaming_content)
    response.close()
    return response, content


def test_the_intention_letter_pdf_is_rendered_and_reused_while_nothing_changes(
    demo, login, django_capture_on_commit_callbacks
):
    client = login(demo["users"]["claire.martin"])
    url = reverse("lifecycle:document-create", args=["pic-saint-loup"])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"kind": "INTENTION_LETTER"}, follow=True)
    again = client.post(url, {"kind": "INTENTION_LETTER"}, follow=True)

    document = Document.objects.get()
    assert document.status == "DONE" and document.pages >= 1
    assert "Production du document en cours" in first.content.decode()
    ready = client.get(reverse("lifecycle:document-detail", args=["pic-saint-loup", document.pk]))
    assert "Le document est prêt" in ready.content.decode()
    assert "les données n&#x27;ont pas changé" in again.content.decode().lower()
    response, content = _download(client, "pic-saint-loup", document)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="lettre-intention-pic-saint-loup.pdf"' in response["Content-Disposition"]
    text = _pdf_text(content)
    assert "Lettre d'intention — CPTS du Pic Saint-Loup" in text
    assert "30 000 €" in text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "page 1 / " in text
    metadata = pypdf.PdfReader(io.BytesIO(content)).metadata
    assert metadata.title == "Lettre d'intention — CPTS du Pic Saint-Loup"


def test_a_change_of_data_gives_a_new_document(demo, login, django_capture_on_commit_callbacks):
    client = login(demo["users"]["claire.martin"])
    url = reverse("lifecycle:document-create", args=["pic-saint-loup"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"kind": "INTENTION_LETTER"})
    IntentionLetter.objects.filter(project__slug="pic-saint-loup").update(calendar="Dépôt en 2027.")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"kind": "INTENTION_LETTER"})

    assert Document.objects.filter(status="DONE").count() == 2
    latest = Document.objects.order_by("-requested_at").first()
    assert "Dépôt en 2027." in _pdf_text(_download(client, "pic-saint-loup", latest)[1])


def test_the_status_page_polls_until_the_document_is_ready(demo, login):
    client = login(demo["users"]["claire.martin"])
    document = Document.objects.create(
        project=demo["projects"]["pic-saint-loup"], kind="INTENTION_LETTER", content_hash="x"
    )

    page = client.get(reverse("lifecycle:document-detail", args=["pic-saint-loup", document.pk]))
    fragment = client.get(
        reverse("lifecycle:document-detail", args=["pic-saint-loup", document.pk]),
        headers={"HX-Request": "true"},
    )

    assert 'hx-trigger="every 2s"' in page.content.decode()
    assert fragment.content.decode().strip().startswith('<div id="document-status"')
    assert "<html" not in fragment.content.decode()


def test_export_command_writes_the_pdf_and_its_html(demo, tmp_path):
    out, html = tmp_path / "pds.pdf", tmp_path / "pds.html"

    call_command(
        "export_projet_de_sante",
        "pic-saint-loup",
        str(out),
        "--html",
        str(html),
        stdout=io.StringIO(),
    )

    assert out.read_bytes().startswith(b"%PDF-")
    assert "CPTS du Pic Saint-Loup" in html.read_text()
    assert "1. Diagnostic territorial" in _pdf_text(out.read_bytes())


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_pdf_is_rendered_by_a_real_celery_worker_on_redis(demo, real_celery, login):
    import time

    client = login(demo["users"]["claire.martin"])

    client.post(
        reverse("lifecycle:document-create", args=["pic-saint-loup"]), {"kind": "INTENTION_LETTER"}
    )

    document = Document.objects.get()
    for _ in range(120):
        document.refresh_from_db()
        if document.status in ("DONE", "FAILED"):
            break
        time.sleep(0.5)
    assert document.status == "DONE", document.error
    assert "CPTS du Pic Saint-Loup" in _pdf_text(_download(client, "pic-saint-loup", document)[1])
