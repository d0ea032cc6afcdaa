"""Journeys of the territory builder and the diagnostic, in a real browser."""

import os
import re

import pytest
from playwright.sync_api import expect

from diagnostics.models import DiagnosticFigure, DiagnosticSection
from geo.models import Commune
from geo.population import total_population
from tests.conftest import DEMO_PASSWORD
from tests.factories import make_membership, make_organisation, make_project, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NNBSP = "\u202f"


def _log_in(page, live_server, email):
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def _french(number: int) -> str:
    return f"{number:,}".replace(",", NNBSP)


def _search(page, text):
    page.get_by_label("Rechercher une commune ou un EPCI").fill(text)


def test_coordinator_builds_a_territory_from_communes_and_an_epci(
    referential, live_server, page, screenshot
):
    coordinator = make_user(
        email="coord@exemple.fr", password=DEMO_PASSWORD, first_name="Inès", last_name="Roy"
    )
    organisation = make_organisation(kind="CPTS", name="Association CPTS du Haut-Lez")
    make_membership(user=coordinator, organisation=organisation, role="COORDINATOR")
    project = make_project(organisation=organisation, departements=(), name="CPTS du Haut-Lez")
    _log_in(page, live_server, "coord@exemple.fr")
    page.goto(f"{live_server.url}/projets/{project.slug}/territoire/")
    expect(page.get_by_text("Le territoire ne compte encore aucune commune")).to_be_visible()

    _search(page, "Saint-Martin-de-Lon")
    page.get_by_role("button", name="Ajouter Saint-Martin-de-Londres", exact=True).click()
    expect(page.locator("#nombre-communes")).to_have_text("1")
    _search(page, "34380")  # the postal code of Saint-Martin-de-Londres and its neighbours
    expect(page.locator("#search-results")).to_contain_text("Déjà dans le territoire")
    _search(page, "Lodévois")
    page.get_by_role("button", name="Ajouter tout l'EPCI CC Lodévois et Larzac").click()
    expect(page.get_by_role("status")).to_contain_text("Ajouté : CC Lodévois et Larzac")
    screenshot("diagnostics-01-territory")

    communes = list(Commune.objects.filter(epci_id="200017341")) + [
        Commune.objects.get(code="34274")
    ]
    expected = total_population(communes)
    expect(page.locator("#nombre-communes")).to_have_text(str(len(communes)))
    expect(page.locator("#population-totale")).to_have_text(_french(expected))
    expect(page.locator("#taille-aci")).to_have_text("Taille 1")
    expect(page.get_by_role("row", name=re.compile("Hérault \\(34\\)"))).to_be_visible()

    _search(page, "Montpellier")
    page.get_by_role("button", name="Ajouter Montpellier", exact=True).click()
    expect(page.locator(".tier-notice")).to_contain_text("passe de la taille 1 à la taille 4")
    expect(page.locator("#taille-aci")).to_have_text("Taille 4")
    screenshot("diagnostics-02-tier-change")

    _search(page, "Marseille 1er")
    page.get_by_role("button", name="Ajouter Marseille 1er Arrondissement").click()
    _search(page, "13055")
    page.get_by_role("button", name="Ajouter Marseille", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("ne peuvent pas faire partie ensemble")
    screenshot("diagnostics-03-refused")


def test_overlap_is_flagged_to_both_projects_and_to_the_reviewer(
    demo, live_server, page, screenshot
):
    _log_in(page, live_server, "nadia.mercier@demo.cpts-portal.fr")
    page.goto(f"{live_server.url}/projets/lodevois-larzac/territoire/")
    expect(page.locator("#titre-chevauchements")).to_be_visible()
    expect(page.get_by_text("aussi dans CPTS du Pic Saint-Loup")).to_be_visible()
    screenshot("diagnostics-04-overlap-coordinator")
    page.get_by_role("button", name="Se déconnecter").click()

    _log_in(page, live_server, "isabelle.moreau@demo.cpts-portal.fr")
    page.goto(f"{live_server.url}/projets/pic-saint-loup/territoire/")
    # Lodévois has not sent anything to the ARS yet: the reviewer sees the overlap, not its name.
    expect(page.get_by_text("aussi dans un autre projet de CPTS (non transmis)")).to_be_visible()
    page.goto(f"{live_server.url}/instruction/chevauchements/")
    row = page.get_by_role("row", name=re.compile("Saint-Martin-de-Londres"))
    expect(row).to_contain_text("CPTS du Pic Saint-Loup")
    expect(row).to_contain_text("un autre projet de CPTS (non transmis)")
    expect(row).not_to_contain_text("Lodévois")
    screenshot("diagnostics-05-overlap-reviewer")


BAD_CSV = (
    "Indicateur;Valeur;Unité;Année;Source;Valeur de comparaison;Comparé à\n"
    "Densité de pharmacies;4,1;pour 10 000 hab.;2024;FINESS;3,8;Hérault\n"
    "Densité de dentistes;quatre;pour 10 000 hab.;2024;RPPS;;\n"
)


def test_csv_import_refuses_a_bad_row_then_imports_a_good_file(demo, live_server, page, screenshot):
    _log_in(page, live_server, "claire.martin@demo.cpts-portal.fr")
    page.goto(f"{live_server.url}/projets/pic-saint-loup/diagnostic/")
    page.get_by_role("link", name="Importer des indicateurs (CSV)").click()
    page.get_by_label("Section du diagnostic").select_option("offre-de-soins")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "offre.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode("cp1252")}]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator(".import-errors")).to_contain_text(
        "Ligne 3 : la valeur « quatre » n'est pas un nombre."
    )
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    screenshot("diagnostics-06-import-refused")
    assert not DiagnosticFigure.objects.filter(label="Densité de pharmacies").exists()

    good = BAD_CSV.replace("quatre", "5,2")
    page.get_by_label("Section du diagnostic").select_option("offre-de-soins")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "offre.csv", "mimeType": "text/csv", "buffer": good.encode("cp1252")}]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("heading", name=re.compile("2 indicateurs prêts"))).to_be_visible()
    screenshot("diagnostics-07-import-preview")
    page.get_by_role("button", name="Confirmer l'import").click()

    expect(page.get_by_text("2 indicateurs importés")).to_be_visible()
    expect(page.locator("#offre-de-soins")).to_contain_text("Densité de dentistes")
    expect(page.locator("#offre-de-soins")).to_contain_text("5,2\u00a0pour 10 000 hab.")
    screenshot("diagnostics-08-diagnostic")


def test_two_sessions_editing_one_section_never_lose_a_change(
    demo, live_server, page, browser, screenshot
):
    other_context = browser.new_context(locale="fr-FR")
    other = other_context.new_page()
    for tab in (page, other):
        _log_in(tab, live_server, "claire.martin@demo.cpts-portal.fr")
        tab.goto(f"{live_server.url}/projets/pic-saint-loup/diagnostic/")
        tab.get_by_role("link", name="Modifier la section Méthode").click()
        expect(tab.get_by_label("Texte de la section")).to_be_visible()

    page.get_by_label("Texte de la section").fill("Version de la première session.")
    page.get_by_role("button", name="Enregistrer la section Méthode").click()
    expect(page.locator("#methode")).to_contain_text("Section enregistrée.")

    other.get_by_label("Texte de la section").fill("Version de la seconde session.")
    other.get_by_role("button", name="Enregistrer la section Méthode").click()

    conflict = other.locator(".conflict")
    expect(conflict).to_contain_text("Modification refusée")
    expect(conflict).to_contain_text("Version de la première session.")
    expect(other.get_by_label("Texte de la section")).to_have_value(
        "Version de la seconde session."
    )
    if os.environ.get("SCREENSHOT_DIR"):
        other.screenshot(
            path=os.path.join(os.environ["SCREENSHOT_DIR"], "diagnostics-09-conflict.png"),
            full_page=True,
        )
    section = DiagnosticSection.objects.get(project__slug="pic-saint-loup", key="methode")
    assert section.text == "Version de la première session."
    other_context.close()
