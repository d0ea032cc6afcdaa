import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cpts_portal.lib.uploads import DOCX, ODT, PDF, check_upload
from governance.documents import tiny_pdf
from governance.models import GovernanceDocument

pytestmark = pytest.mark.django_db

UPLOAD = reverse("governance:document-upload", args=["pic-saint-loup"])


def _zip(entries: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ODT_BYTES = _zip({"mimetype": ODT, "content.xml": "<office:document-content/>"})
DOCX_BYTES = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("statuts.pdf", tiny_pdf(["Statuts"]), PDF),
        ("statuts.odt", ODT_BYTES, ODT),
        ("Statuts.DOCX", DOCX_BYTES, DOCX),
    ],
)
def test_pdf_odt_and_docx_are_recognised_by_their_content(name, content, expected):
    checked = check_upload(SimpleUploadedFile(name, content))

    assert checked.content_type == expected


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("statuts.pdf", b"<html>pas un PDF</html>", "n'est pas un document PDF, ODT ou DOCX"),
        (
            "statuts.odt",
            _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
            "n'est pas",
        ),
        ("statuts.docx", _zip({"autre.xml": "<x/>"}), "n'est pas"),
        ("statuts.docx", tiny_pdf(["Statuts"]), "son contenu est un document PDF"),
        ("statuts.exe", b"MZ\x90\x00", "n'est pas"),
        ("vide.pdf", b"", "vide"),
    ],
)
def test_other_contents_are_refused_whatever_their_name(name, content, message):
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile(name, content))

    assert message in error.value.messages[0]


def test_a_file_over_10_mb_is_refused():
    content = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)

    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("gros.pdf", content))

    assert "la limite est de 10 Mo" in error.value.messages[0]


def test_an_upload_is_stored_under_a_non_guessable_path_and_served_with_its_type(demo, login):
    client = login(demo["users"]["sophie.garnier"])
    upload = SimpleUploadedFile("Statuts modifiés.odt", ODT_BYTES)

    response = client.post(
        UPLOAD,
        {"kind": "STATUTS", "title": "Statuts modifiés", "version_label": "v2", "upload": upload},
    )

    assert response.status_code == 302
    document = GovernanceDocument.objects.get(
        project__slug="pic-saint-loup", title="Statuts modifiés"
    )
    assert document.content_type == ODT and document.number == 4
    assert "pic" not in document.file.name and "Statuts" not in document.file.name
    assert document.file.name.endswith(".odt") and len(document.file.name) > 70
    download = client.get(
        reverse("governance:document-download", args=["pic-saint-loup", document.number])
    )
    assert download.status_code == 200
    assert download["Content-Type"] == ODT
    assert download["Content-Disposition"].startswith("attachment; filename*=utf-8''Statuts")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == ODT_BYTES  # streamed, then closed


def test_a_disguised_file_is_refused_with_a_french_message(demo, login):
    client = login(demo["users"]["claire.martin"])
    upload = SimpleUploadedFile("statuts.pdf", b"MZ\x90\x00 pas un pdf")

    response = client.post(UPLOAD, {"kind": "STATUTS", "title": "Statuts", "upload": upload})

    assert response.status_code == 422
    assert "n&#x27;est pas un document PDF, ODT ou DOCX valide" in response.content.decode()
    assert GovernanceDocument.objects.filter(project__slug="pic-saint-loup").count() == 3


def test_documents_are_served_to_readers_of_the_project_only(demo, login):
    url = reverse("governance:document-download", args=["pic-saint-loup", 1])

    reviewer = login(demo["users"]["isabelle.moreau"]).get(url)
    reviewer_content = b"".join(reviewer.streaming_content)
    outsider = login(demo["users"]["thomas.lefevre"]).get(url)

    assert reviewer.status_code == 200 and reviewer["Content-Type"] == PDF
    assert reviewer_content.startswith(b"%PDF-")
    assert outsider.status_code == 404
    assert "/media/" not in url
