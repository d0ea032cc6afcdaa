"""The evidence of an indicator's yearly result is checked by its content, like every upload
(the governance documents and the grants' documents have their own tests)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demo.funding import DEMO_PDF
from missions.models import IndicatorResult

PIC = "pic-saint-loup"
RESULT = {"slug": PIC, "number": 1, "indicator": 1, "year": 1}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _post(client, name, content):
    return client.post(
        reverse("missions:result-edit", kwargs=RESULT),
        {
            "version": "0",
            "value": "12",
            "measured_on": "2027-01-15",
            "comment": "Relevé du tableau de bord",
            "evidence": SimpleUploadedFile(name, content),
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("preuve.pdf", b"MZ\x90\x00" + b"\x00" * 60, "pas un document PDF, ODT ou DOCX valide"),
        ("preuve.pdf", b"<script>alert(1)</script>", "pas un document PDF, ODT ou DOCX valide"),
        ("preuve.docx", DEMO_PDF, "renommez-le en .pdf"),
    ],
)
def test_a_disguised_evidence_is_refused_in_french(demo, login, name, content, message):
    client = login(demo["users"]["claire.martin"])

    response = _post(client, name, content)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not IndicatorResult.objects.filter(
        indicator__fiche__project__slug=PIC, indicator__fiche__number=1, year=1
    ).exclude(evidence="")


@pytest.mark.django_db
def test_a_pdf_evidence_is_kept_and_served_with_its_checked_type(demo, login):
    client = login(demo["users"]["claire.martin"])

    response = _post(client, "preuve.pdf", DEMO_PDF)

    assert response.status_code == 302
    download = client.get(reverse("missions:result-evidence", kwargs=RESULT))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == DEMO_PDF
    download.close()
