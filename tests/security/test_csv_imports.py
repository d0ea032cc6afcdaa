"""What a CSV import's preview accepts, its confirmation stores: the preview runs the model's
own validation on every row, so that a file never passes the preview to fail (500) at the
confirmation. Each case goes through the real preview and confirmation views."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diagnostics.models import DiagnosticFigure
from governance.models import Member
from tests.governance.csv_samples import HEADER

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"
INDICATORS = "Indicateur;Valeur;Unité;Année;Source;Valeur de comparaison;Comparé à\n"


def _members_file(name: str) -> bytes:
    # Enough ordinary lines first for the NUL byte to fall after the sniffed start of the file.
    lines = [HEADER]
    lines += [
        f"Membre{i};Anne;infirmière;;34276;m{i}@exemple.fr;;actif;01/01/2026;à jour"
        for i in range(40)
    ]
    lines.append(f"{name};Paul;infirmière;;34276;paul@exemple.fr;;actif;01/01/2026;à jour")
    return "\n".join(lines).encode("utf-8")


def test_a_nul_byte_deep_in_a_members_csv_is_refused_at_the_preview(demo, login):
    project = demo["projects"][PIC]
    client = login(demo["users"]["claire.martin"])
    url = reverse("governance:member-import", args=[PIC])
    before = Member.objects.filter(project=project).count()
    content = _members_file("Du\x00pont")
    assert b"\x00" not in content[:2048]

    preview = client.post(url, {"file": SimpleUploadedFile("membres.csv", content)})
    confirm = client.post(url, {"action": "confirm"}, follow=True)

    assert preview.status_code == 422
    assert "Ligne 42 : le fichier contient un caractère nul" in preview.content.decode()
    assert confirm.status_code == 200
    assert "Aucun aperçu en attente" in confirm.content.decode()
    assert Member.objects.filter(project=project).count() == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Patients;100000000000;;2021;INSEE;;", "Ligne 2 : valeur : "),
        ("Patients;-100 000 000 000;;2021;INSEE;;", "Ligne 2 : valeur : "),
        ("Patients;12;;2021;INSEE;1e15;France", "Ligne 2 : valeur de comparaison : "),
    ],
    ids=["value", "negative", "comparison"],
)
def test_an_indicator_the_database_cannot_hold_is_refused_at_the_preview(demo, login, row, message):
    project = demo["projects"][PIC]
    client = login(demo["users"]["claire.martin"])
    url = reverse("diagnostics:indicator-import", args=[PIC])
    before = DiagnosticFigure.objects.filter(section__project=project).count()
    upload = SimpleUploadedFile("indicateurs.csv", (INDICATORS + row + "\n").encode())

    preview = client.post(url, {"section": "population", "file": upload})
    confirm = client.post(url, {"confirm": "n'importe quoi"}, follow=True)

    assert preview.status_code == 422
    body = preview.content.decode()
    assert message in body and "chiffres" in body
    assert "Confirmer l'import" not in body
    assert confirm.status_code == 200
    assert DiagnosticFigure.objects.filter(section__project=project).count() == before


def test_an_indicator_with_more_decimals_is_rounded_as_it_will_be_stored(demo, login):
    client = login(demo["users"]["claire.martin"])
    url = reverse("diagnostics:indicator-import", args=[PIC])
    upload = SimpleUploadedFile(
        "indicateurs.csv", (INDICATORS + "Part;99999999999,1234;%;2021;INSEE;;\n").encode()
    )

    preview = client.post(url, {"section": "population", "file": upload})

    assert preview.status_code == 200
    assert preview.context["parsed"].rows[0].values["value"] == "99999999999.123"


def test_an_import_past_what_the_section_table_edits_is_refused_at_the_preview(demo, login):
    client = login(demo["users"]["claire.martin"])
    url = reverse("diagnostics:indicator-import", args=[PIC])
    rows = "".join(f"Indicateur {i};{i};;2021;INSEE;;\n" for i in range(201))
    upload = SimpleUploadedFile("indicateurs.csv", (INDICATORS + rows).encode())

    preview = client.post(url, {"section": "population", "file": upload})

    assert preview.status_code == 422
    assert "200 au plus" in preview.content.decode()
    assert "Confirmer l'import" not in preview.content.decode()
