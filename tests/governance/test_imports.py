import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.imports import parse_members
from governance.models import Member
from tests.governance.csv_samples import csv_with_errors, members_csv

pytestmark = pytest.mark.django_db

URL = reverse("governance:member-import", args=["lodevois-larzac"])


def test_thirty_members_parse_from_a_semicolon_utf8_file(demo):
    project = demo["projects"]["lodevois-larzac"]

    preview = parse_members(members_csv(30).encode("utf-8-sig"), project=project)

    assert preview.ok, preview.errors
    assert len(preview.rows) == 30
    first = preview.rows[0]
    assert first["profession"] == "MEDECIN_GENERALISTE"
    assert first["commune"] == "34276" and first["commune_name"] == "Saint-Mathieu-de-Tréviers"
    assert preview.rows[1]["profession"] == "INFIRMIER"  # « infirmière »
    assert preview.rows[1]["commune_name"] == "Saint-Gély-du-Fesc"  # by name
    assert first["adhesion_date"] == "2026-01-01"


def test_a_latin1_comma_separated_file_is_read(demo):
    project = demo["projects"]["lodevois-larzac"]
    data = members_csv(5, delimiter=",").encode("latin-1")

    preview = parse_members(data, project=project)

    assert preview.ok, preview.errors
    assert preview.rows[0]["first_name"] == "Agathe"
    assert preview.rows[4]["last_name"] == "Estève"


def test_errors_name_the_line_and_the_reason_and_refuse_the_whole_file(demo):
    project = demo["projects"]["lodevois-larzac"]

    preview = parse_members(csv_with_errors().encode(), project=project)

    assert not preview.ok and preview.rows == []
    assert preview.errors == [
        "Ligne 5 : profession « plombier » inconnue.",
        "Ligne 12 : numéro RPPS : Le numéro RPPS compte exactement 11 chiffres.",
        "Ligne 31 : date d'adhésion « 31/02/2026 » illisible (attendu JJ/MM/AAAA).",
    ]


def test_duplicate_rpps_and_missing_names_are_refused(demo):
    project = demo["projects"]["pic-saint-loup"]
    text = members_csv(2, rows_after=[";;infirmier;;;;;;;", "Roux;Julien;médecin;10003456781"])

    preview = parse_members(text.encode(), project=project)

    assert preview.errors == [
        "Ligne 4 : ni nom ni structure : chaque ligne doit nommer un membre.",
        "Ligne 5 : le RPPS 10003456781 est déjà celui d'un membre de la CPTS.",
    ]


def test_a_structure_row_becomes_a_partner_member(demo):
    project = demo["projects"]["lodevois-larzac"]
    text = "structure;type de structure;représentant\nEHPAD du Larzac;EHPAD;Mme Roques\n"

    preview = parse_members(text.encode(), project=project)

    assert preview.ok
    assert preview.rows[0]["kind"] == "STRUCTURE" and preview.rows[0]["category"] == "PARTNER"


def test_the_import_shows_a_preview_then_imports_on_confirmation(demo, login):
    client = login(demo["users"]["nadia.mercier"])
    upload = SimpleUploadedFile("membres.csv", members_csv(30).encode(), "text/csv")

    preview = client.post(URL, {"action": "preview", "file": upload})

    assert preview.status_code == 200
    assert "Aperçu : 30 membres prêts à importer" in preview.content.decode()
    assert Member.objects.filter(project__slug="lodevois-larzac").count() == 0

    confirmed = client.post(URL, {"action": "confirm"})

    assert confirmed.status_code == 302
    members = Member.objects.filter(project__slug="lodevois-larzac")
    assert members.count() == 30
    assert sorted(members.values_list("number", flat=True)) == list(range(1, 31))


def test_a_file_with_an_error_is_refused_and_nothing_is_imported(demo, login):
    client = login(demo["users"]["nadia.mercier"])
    upload = SimpleUploadedFile("membres.csv", csv_with_errors().encode(), "text/csv")

    response = client.post(URL, {"action": "preview", "file": upload})
    confirmed = client.post(URL, {"action": "confirm"})

    assert response.status_code == 422
    assert "Ligne 5 : profession « plombier » inconnue." in response.content.decode()
    assert confirmed.status_code == 302
    assert Member.objects.filter(project__slug="lodevois-larzac").count() == 0
