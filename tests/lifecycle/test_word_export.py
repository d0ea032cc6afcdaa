"""The Word (DOCX) exports of the projet de santé and of a fiche-action (issue 18, item 4),
through their views, read back with python-docx (and converted by LibreOffice when it is
installed)."""

import io
import re
import shutil
import subprocess

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lifecycle.word import CONTENT_TYPE
from missions.models import Fiche, Indicator, SubAction
from missions.services import fiche_create, row_create

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].rstrip('"').endswith(".docx")
    return response.content, docx.Document(io.BytesIO(response.content))


def _headings(document) -> dict[str, str]:
    return {p.text: p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")}


def _tables(document) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


@pytest.fixture
def pds(demo, login):
    client = login(demo["users"]["claire.martin"])
    return _download(client, reverse("lifecycle:projet-de-sante-docx", args=[PIC]))


def test_the_projet_de_sante_has_its_three_parts_as_word_headings_under_a_toc(pds):
    content, document = pds
    headings = _headings(document)

    assert headings["1. Diagnostic territorial"] == "Heading 1"
    assert headings["2. Les missions"] == "Heading 1"
    assert headings["3. Organisation et fonctionnement"] == "Heading 1"
    assert headings["Le territoire"] == "Heading 2"
    assert headings["Le budget prévisionnel"] == "Heading 2"
    missions = [t for t, s in headings.items() if t.startswith("Mission ") and s == "Heading 2"]
    fiches = [t for t, s in headings.items() if t.startswith("Fiche-action ")]
    assert missions and fiches
    assert all(headings[f] == "Heading 3" for f in fiches)
    # In the order of the document: the parts after the table of contents field.
    order = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert order[:5] == [
        "Sommaire",
        "1. Diagnostic territorial",
        "2. Les missions",
        "3. Organisation et fonctionnement",
        "Annexes",
    ]
    xml = document.element.xml
    assert 'TOC \\o "1-3"' in xml
    # Before the reader updates the field, it lists the headings themselves, in order.
    texts = [p.text for p in document.paragraphs]
    part1 = next(
        i
        for i, p in enumerate(document.paragraphs)
        if p.text == "1. Diagnostic territorial" and p.style.name == "Heading 1"
    )
    toc = texts[texts.index("Sommaire") + 1 : part1]
    assert toc[1:4] == ["1. Diagnostic territorial", "Le territoire", "Méthode"]
    assert "2. Les missions" in toc and fiches[0] in toc


def test_the_budget_table_prints_french_euros(pds):
    _, document = pds
    budget_tables = [t for t in _tables(document) if t[0] == ["Poste", "Catégorie", "Montant"]]
    assert budget_tables
    amounts = [row[2] for table in budget_tables for row in table[1:] if row[2] != row[0]]
    assert amounts
    # "12 500 €": groups of three digits, a (narrow) no-break space, the euro sign after.
    french = re.compile(r"^-?\d{1,3}(\u202f\d{3})*(,\d\d)?\u00a0€$")
    assert all(french.match(amount) for amount in amounts), amounts
    assert any("\u202f" in amount for amount in amounts)
    assert not any(amount.endswith(",00\u00a0€") for amount in amounts)


def test_the_indicator_tables_print_whole_numbers_without_decimals(pds):
    _, document = pds
    header = ["Indicateur", "Type", "Valeur initiale", "Cible", "Source", "Fréquence"]
    indicator_tables = [t for t in _tables(document) if t[0] == header]
    assert indicator_tables
    values = [row[i] for table in indicator_tables for row in table[1:] for i in (2, 3)]
    assert values
    assert not any(re.search(r"[.,]00\b", value) for value in values), values


def test_a_fiche_alone_has_its_title_objectives_pilot_and_indicators(demo, login):
    fiche = Fiche.objects.get(project=demo["projects"][PIC], number=1)
    client = login(demo["users"]["julien.roux"])
    _, document = _download(client, reverse("lifecycle:fiche-docx", args=[PIC, 1]))

    headings = _headings(document)
    assert headings[f"Fiche-action 1 : {fiche.title}"] == "Heading 1"
    assert headings["Objectif(s) opérationnel(s)"] == "Heading 2"
    assert headings["Actions"] == "Heading 2"
    assert headings["Indicateurs"] == "Heading 2"
    rows = {t[0][0]: t for t in _tables(document)}
    summary = {row[0]: row[1] for row in rows["Mission concernée"]}
    assert "Julien" in summary["Pilote"] and "Roux" in summary["Pilote"]
    assert rows["Indicateur"][0][:4] == ["Indicateur", "Type", "Valeur initiale", "Cible"]
    assert len(rows["Indicateur"]) == fiche.indicators.count() + 1
    assert rows["Quoi"][0] == ["Quoi", "Qui", "Début", "Fin", "État"]
    # French dates in the actions table.
    dates = [cell for row in rows["Quoi"][1:] for cell in row[2:4] if cell != "—"]
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", d) for d in dates), dates
    text = "\n".join(p.text for p in document.paragraphs)
    assert fiche.objectives.split("\n")[0].lstrip("-* ").strip()[:30] in text


@pytest.mark.parametrize(
    "user,name,args",
    [
        ("thomas.lefevre", "lifecycle:projet-de-sante-docx", [PIC]),  # another CPTS
        ("camille.dupuis", "lifecycle:projet-de-sante-docx", [PIC]),  # out-of-scope reviewer
        ("thomas.lefevre", "lifecycle:fiche-docx", [PIC, 1]),
        ("camille.dupuis", "lifecycle:fiche-docx", [PIC, 1]),
        ("claire.martin", "lifecycle:fiche-docx", [PIC, 999]),
    ],
)
def test_another_cpts_or_an_out_of_scope_reviewer_gets_404(demo, login, user, name, args):
    client = login(demo["users"][user])
    assert client.get(reverse(name, args=args)).status_code == 404


def test_the_documents_page_and_the_fiche_page_link_the_word_files(demo, login):
    client = login(demo["users"]["claire.martin"])
    page = client.get(reverse("lifecycle:document-list", args=[PIC])).content.decode()
    assert reverse("lifecycle:projet-de-sante-docx", args=[PIC]) in page
    assert "Projet de santé en Word (.docx)" in page
    page = client.get(reverse("missions:fiche-detail", args=[PIC, 1])).content.decode()
    assert reverse("lifecycle:fiche-docx", args=[PIC, 1]) in page
    assert "Fiche en Word (.docx)" in page
    # A reviewer reads the documents page but not the working draft: no Word link.
    client = login(demo["users"]["isabelle.moreau"])
    page = client.get(reverse("lifecycle:document-list", args=[PIC])).content.decode()
    assert "projet-de-sante.docx" not in page
    # The help page says what the Word file holds and the portal's choices.
    help_page = client.get(reverse("help")).content.decode()
    assert "Projet de santé en Word (.docx)" in help_page
    assert "ne remplace pas le PDF" in help_page


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_the_word_file_to_pdf(pds, tmp_path):
    content, _ = pds
    source = tmp_path / "projet.docx"
    source.write_bytes(content)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        timeout=300,
        capture_output=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert (tmp_path / "projet.pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    "name,args", [("lifecycle:projet-de-sante-docx", [PIC]), ("lifecycle:fiche-docx", [PIC, 1])]
)
def test_the_exports_make_the_same_queries_with_6_and_26_fiches(
    demo, login, django_assert_num_queries, name, args
):
    project = demo["projects"][PIC]
    coordinator = demo["users"]["claire.martin"]
    mission = project.fiches.get(number=5).mission
    client = login(coordinator)
    url = reverse(name, args=args)
    client.get(url)  # warm the caches (content types, session)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    assert project.fiches.count() == 6

    for index in range(20):
        fiche = fiche_create(project=project, by=coordinator, mission=mission, title=f"A{index}")
        row_create(fiche=fiche, model=Indicator, by=coordinator, fields={"name": "Indicateur"})
        row_create(fiche=fiche, model=SubAction, by=coordinator, fields={"what": "Réunir"})

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    if name == "lifecycle:projet-de-sante-docx":
        headings = _headings(docx.Document(io.BytesIO(response.content)))
        assert "Fiche-action 26 : A19" in headings


def test_the_word_export_of_one_fiche_reads_that_fiche_alone(demo, login):
    project = demo["projects"][PIC]
    assert project.fiches.count() > 1
    client = login(demo["users"]["claire.martin"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("lifecycle:fiche-docx", args=[project.slug, 2]))

    assert response.status_code == 200
    fiche_id = project.fiches.get(number=2).pk
    rows = [q["sql"] for q in queries.captured_queries if 'FROM "missions_subaction"' in q["sql"]]
    assert rows and all(f"IN ({fiche_id})" in sql for sql in rows)
