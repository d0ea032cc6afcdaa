import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.governance.csv_samples import members_csv

pytestmark = pytest.mark.django_db


def test_the_import_preview_shows_french_dates(demo, login):
    client = login(demo["users"]["nadia.mercier"])
    upload = SimpleUploadedFile("membres.csv", members_csv(3).encode(), "text/csv")

    preview = client.post(
        reverse("governance:member-import", args=["lodevois-larzac"]),
        {"action": "preview", "file": upload},
    )

    content = preview.content.decode()
    assert "<td>01/01/2026</td>" in content and "<td>03/01/2026</td>" in content
    assert "2026-01-01" not in content
