import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import Http404

from cpts_portal.lib.downloads import content_response, file_response

PDF = b"%PDF-1.4\n%%EOF\n"


def test_file_response_streams_a_stored_file_as_an_attachment():
    response = file_response(ContentFile(PDF), "compte-rendu.pdf", "application/pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="compte-rendu.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(PDF))
    assert b"".join(response.streaming_content) == PDF
    response.file_to_stream.close()  # (response.close() signals request_finished)


def test_file_response_shows_inline_and_encodes_a_french_name():
    response = file_response(
        ContentFile(PDF), 'Statuts "modifiés".pdf', "application/pdf", inline=True
    )

    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''Statuts%20%22modifi%C3%A9s%22.pdf"
    )
    response.file_to_stream.close()  # (response.close() signals request_finished)


def test_file_response_is_a_404_when_the_file_is_gone(tmp_path):
    class Missing:
        def open(self, mode):
            return FileSystemStorage(location=tmp_path).open("absent.pdf", mode)

    with pytest.raises(Http404):
        file_response(Missing(), "absent.pdf", "application/pdf")


def test_content_response_serves_generated_content():
    response = content_response("nom;prénom\n", "membres-thau.csv", "text/csv; charset=utf-8")

    assert response.content.decode() == "nom;prénom\n"
    assert response["Content-Disposition"] == 'attachment; filename="membres-thau.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    feed = content_response(b"BEGIN:VCALENDAR", "echeances.ics", "text/calendar", inline=True)
    assert feed["Content-Disposition"] == 'inline; filename="echeances.ics"'
