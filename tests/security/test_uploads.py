"""The evidence of an indicator's yearly result is checked by its content, like every upload
(the governance documents and the grants' documents have their own tests)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cpts_portal.lib.uploads import check_upload
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


# --- Archives (ODT, DOCX): checked from their central directory, never inflated ---------

ODT_MIME = "application/vnd.oasis.opendocument.text"


def _archive(entries: dict, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression, compresslevel=9) as archive:
        archive.writestr("mimetype", ODT_MIME, compress_type=zipfile.ZIP_STORED)
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    """An ODT of a few KB whose content.xml declares 60 MB (of zeros)."""
    return _archive({"content.xml": b"\x00" * (60 * 1024 * 1024)})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_archive({"content.xml": b"0" * (5 * 1024 * 1024)}), "taux de compression"),
        (_archive({f"Pictures/{i}.xml": b"<x/>" for i in range(1001)}), "1\u202f000 fichiers"),
        (_archive({"content.xml": b"<x/>", "Objects/inner.zip": b"PK\x03\x04"}), "archive"),
    ],
    ids=["ratio", "entries", "nested"],
)
def test_an_archive_past_the_limits_is_refused_before_it_is_read(content, message):
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("statuts.odt", content))

    assert message in error.value.messages[0]


def test_a_real_odt_passes_the_archive_limits():
    xml = "<office:document-content>Statuts</office:document-content>"
    content = _archive({"content.xml": xml})

    assert check_upload(SimpleUploadedFile("statuts.odt", content)).extension == ".odt"


@pytest.mark.django_db
def test_a_zip_bomb_uploaded_as_a_governance_document_is_refused_in_french(demo, login):
    from governance.models import GovernanceDocument

    bomb = _zip_bomb()
    assert len(bomb) < 200 * 1024  # small on the wire…
    client = login(demo["users"]["sophie.garnier"])
    before = GovernanceDocument.objects.count()

    response = client.post(
        reverse("governance:document-upload", args=[PIC]),
        {
            "kind": "STATUTS",
            "title": "Statuts piégés",
            "version_label": "v2",
            "upload": SimpleUploadedFile("statuts.odt", bomb),
        },
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert "décompressé" in body and "50 Mo" in body  # …60 MB once inflated
    assert GovernanceDocument.objects.count() == before
