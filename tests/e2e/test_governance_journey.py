"""Journey: a coordinator records the association, imports its members, forms a bureau and
sees which composition rules hold."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD
from tests.governance.csv_samples import csv_with_errors, members_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The offices of the guide's example statutes (Annexe 3): "Un Président ; Deux Vice-Présidents ;
# Un Secrétaire Général ; Un Trésorier ; Un Trésorier-adjoint", the portal's default Bureau.
BUREAU = [
    ("Agathe Alméras", "président"),
    ("Hugo Hérail", "vice-président"),
    ("Agathe Issert", "vice-président"),
    ("Chloé Carrière", "secrétaire général"),
    ("Baptiste Bonnafous", "trésorier"),
    ("David Domergue", "trésorier adjoint"),
]


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(page, name, text):
    page.get_by_label("Fichier CSV des membres").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}]
    )
    page.get_by_role("button", name="Prévisualiser").click()


def test_coordinator_builds_the_governance_of_his_cpts(
    media_in_tmp, demo, live_server, page, screenshot
):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Adresse e-mail").fill("nadia.mercier@demo.cpts-portal.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    base = f"{live_server.url}/projets/lodevois-larzac/gouvernance/"
    page.goto(base)
    expect(
        page.get_by_text("L'association porteuse de la CPTS n'est pas enregistrée.")
    ).to_be_visible()

    # The association, with a malformed RNA number first.
    page.get_by_role("link", name="Enregistrer l'association").first.click()
    page.get_by_label("Nom de l'association").fill("Association CPTS Lodévois et Larzac")
    page.get_by_label("Numéro RNA").fill("341002233")
    page.get_by_label("Date de déclaration en préfecture").fill("2026-10-01")
    page.get_by_label("Siège social").fill(
        "Maison de santé, 1 place de la République, 34700 Lodève"
    )
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text("Le numéro RNA commence par la lettre W suivie de 9 chiffres")
    ).to_be_visible()
    page.get_by_label("Numéro RNA").fill("W341002233")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("W341002233")).to_be_visible()
    screenshot("governance-01-association")

    # Members: a file with errors is refused with the rows and reasons, then the right one.
    page.get_by_role("link", name="Membres", exact=True).click()
    page.get_by_role("link", name="Importer un fichier CSV").click()
    _upload(page, "membres.csv", csv_with_errors())
    errors = page.locator(".import-errors")
    expect(errors).to_contain_text("Ligne 5 : profession « plombier » inconnue.")
    expect(errors).to_contain_text("Ligne 12 : numéro RPPS")
    expect(errors).to_contain_text("Ligne 31 : date d'adhésion « 31/02/2026 » illisible")
    screenshot("governance-02-import-refused")
    _upload(page, "membres.csv", members_csv(30))
    expect(page.get_by_text("Aperçu : 30 membres prêts à importer")).to_be_visible()
    screenshot("governance-03-import-preview")
    page.get_by_role("button", name="Confirmer l'import de 30 membres").click()
    expect(page.get_by_text("30 membres importés.")).to_be_visible()
    expect(page.get_by_text("30 membres", exact=True)).to_be_visible()
    screenshot("governance-04-members")

    # The bureau, office by office.
    page.get_by_role("link", name="Bureau et instances").click()
    for name, office in BUREAU:
        page.get_by_role("link", name="Ajouter un mandat").click()
        page.get_by_label("Membre").select_option(label=name)
        page.get_by_label("Fonction").select_option(label=office)
        page.get_by_label("Début du mandat").fill("2026-10-01")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text("Le mandat est enregistré.")).to_be_visible()
    expect(page.get_by_text("toutes respectées")).to_be_visible()
    expect(page.locator(".rule-broken")).to_have_count(0)
    screenshot("governance-05-bureau-rules-met")

    # Ending a mandate breaks the size rule (and leaves the trésorier adjoint's office empty),
    # and the page says why.
    page.get_by_role("link", name="Modifier le mandat de David Domergue").click()
    page.get_by_label("Fin du mandat").fill("2026-10-15")
    page.get_by_role("button", name="Enregistrer").click()
    broken = page.locator(".rule-broken").filter(has_text="Entre 6 et 9 membres")
    expect(broken).to_have_count(1)
    expect(broken).to_contain_text("L'instance compte 5 membres : il en faut au moins 6.")
    expect(page).to_have_url(re.compile(r"/gouvernance/instances/bureau/$"))
    screenshot("governance-06-bureau-rule-broken")


def test_governance_pages_raise_no_content_security_policy_violation(
    media_in_tmp, demo, live_server, page, screenshot
):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Adresse e-mail").fill("claire.martin@demo.cpts-portal.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    for path in ["", "membres/", "bureau/", "reunions/3/", "indemnites/"]:
        page.goto(f"{live_server.url}/projets/pic-saint-loup/gouvernance/{path}")
        expect(page.locator("h1")).to_contain_text("CPTS du Pic Saint-Loup")
        screenshot(f"governance-demo-{path.strip('/').replace('/', '-') or 'overview'}")

    assert not [e for e in errors if "Content Security Policy" in e], errors
