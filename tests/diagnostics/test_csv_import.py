import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diagnostics import csv_import
from diagnostics.models import DiagnosticFigure, DiagnosticSection

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
GOOD = (
    "Indicateur;Valeur;Unité;Année;Source;Valeur de comparaison;Comparé à\n"
    "Part des 75 ans et plus;11,2 %;%;2021;INSEE;10,1;Hérault\n"
    "Population municipale;51 678;habitants;2021;INSEE;;\n"
)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.encode("cp1252"),
        lambda text: text.replace(";", ",")
        .replace("11,2 %", '"11,2 %"')
        .replace("10,1", '"10,1"')
        .encode("latin-1"),
    ],
    ids=["utf8", "utf8-bom", "windows-1252", "comma-latin1"],
)
def test_parse_accepts_the_usual_exports(encode):
    parsed = csv_import.parse(encode(GOOD), today=TODAY)

    assert parsed.is_valid, parsed.errors
    first, second = (row.values for row in parsed.rows)
    assert first["label"] == "Part des 75 ans et plus"
    assert first["value"] == "11.2" and first["comparison_value"] == "10.1"
    assert first["comparison_label"] == "Hérault"
    assert second["value"] == "51678" and second["year"] == 2021


def test_parse_reports_each_bad_row_with_its_line_number():
    data = GOOD + "Densité de médecins;beaucoup;pour 10 000 hab.;2024;RPPS;;\n;3;;2030;;;\n"

    parsed = csv_import.parse(data.encode(), today=TODAY)

    assert not parsed.is_valid
    assert "Ligne 4 : la valeur « beaucoup » n'est pas un nombre." in parsed.errors
    assert "Ligne 5 : la colonne « indicateur » est vide." in parsed.errors
    assert any(e.startswith("Ligne 5 : l'année « 2030 »") for e in parsed.errors)


def test_parse_refuses_a_file_without_the_required_columns():
    with pytest.raises(csv_import.CsvError, match="il manque : « valeur »"):
        csv_import.parse(b"Indicateur;Annee;Source\nA;2021;INSEE\n")


def _upload(content: str, name="indicateurs.csv"):
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def test_bad_file_is_refused_and_nothing_is_imported(project, coordinator, login):
    client = login(coordinator)
    url = reverse("diagnostics:indicator-import", args=[project.slug])
    bad = GOOD + "Densité de médecins;beaucoup;;2024;RPPS;;\n"

    response = client.post(url, {"section": "population", "file": _upload(bad)})

    content = response.content.decode()
    assert response.status_code == 422
    assert "Ligne 4 : la valeur « beaucoup » n&#x27;est pas un nombre." in content
    assert "Confirmer l'import" not in content
    assert not DiagnosticFigure.objects.filter(section__project=project).exists()


def test_good_file_is_previewed_then_imported_on_confirmation(project, coordinator, login):
    client = login(coordinator)
    url = reverse("diagnostics:indicator-import", args=[project.slug])

    preview = client.post(url, {"section": "population", "file": _upload(GOOD)})

    assert preview.status_code == 200
    assert "Confirmer l'import" in preview.content.decode()
    assert not DiagnosticFigure.objects.filter(section__project=project).exists()  # not yet
    token = preview.context["token"]

    response = client.post(url, {"confirm": token}, follow=True)

    assert "2 indicateurs importés" in response.content.decode()
    section = DiagnosticSection.objects.get(project=project, key="population")
    assert [(i.label, i.value) for i in section.indicators.all()] == [
        ("Part des 75 ans et plus", Decimal("11.200")),
        ("Population municipale", Decimal("51678.000")),
    ]
    assert section.history.first().history_change_reason.startswith("Import de 2 indicateurs")
    assert client.post(url, {"confirm": token}).status_code == 302  # used once only
    assert section.indicators.count() == 2


def test_reimport_updates_the_same_indicator(project, coordinator, login):
    client = login(coordinator)
    url = reverse("diagnostics:indicator-import", args=[project.slug])
    for content in (GOOD, GOOD.replace("11,2 %", "12,0")):
        preview = client.post(url, {"section": "population", "file": _upload(content)})
        client.post(url, {"confirm": preview.context["token"]})

    indicators = DiagnosticFigure.objects.filter(section__project=project)
    values = dict(indicators.values_list("label", "value"))
    assert indicators.count() == 2
    assert values["Part des 75 ans et plus"] == Decimal("12.000")
