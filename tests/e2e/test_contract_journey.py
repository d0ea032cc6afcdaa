"""Journey of the ACI contract: once the ARS validates the projet de santé, the portal prepares
the contract; the CPTS, the CPAM and the DD ARS sign it from their own accounts; the contract
PDF is looked at as an image; the CPAM records the first payment, which closes its row on the
CPTS's deadlines.

Demo: the Uzège – Pont du Gard (Gard) is under review (Thomas Lefèvre coordinates it, Camille
Dupuis reviews it for the DD ARS, Laurent Bonnet decides); the demo has no CPAM of the Gard,
so the CPAM de l'Hérault (Marie Chevalier) is extended to it.
"""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from accounts.models import Organisation
from geo.models import Departement
from lifecycle import followup
from projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UZEGE = "uzege-pont-du-gard"


def test_validation_contract_three_signatures_pdf_payment_and_closed_row(
    demo, log_in, live_server, page, screenshot, tmp_path
):
    Organisation.objects.get(name="CPAM de l'Hérault").departements.add(
        Departement.objects.get(code="30")
    )
    page.set_default_timeout(60_000)

    # The DD ARS decider validates the projet de santé from the instruction page.
    log_in("laurent.bonnet")
    page.goto(f"{live_server.url}/projets/{UZEGE}/instruction/")
    decide = page.locator("form").filter(
        has=page.get_by_role("button", name="Valider le projet de santé")
    )
    decide.get_by_label(re.compile("Décider sans les avis manquants")).check()
    decide.get_by_role("button", name="Valider le projet de santé").click()
    expect(page.get_by_text(re.compile("C'est fait : projet de santé validé"))).to_be_visible()
    assert Project.objects.get(slug=UZEGE).state == "VALIDATED"

    # The CPTS finds the contract prepared on its project page, reads it and signs.
    log_in("thomas.lefevre")
    page.goto(f"{live_server.url}/projets/{UZEGE}/")
    page.get_by_role("link", name="Lire et signer le contrat ACI").click()
    expect(page.get_by_role("heading", name="Article 1 — Les parties")).to_be_visible()
    expect(page.get_by_role("heading", name="Calendrier des versements")).to_be_visible()
    screenshot("contract-01-prepared")
    page.get_by_role("button", name="Signer le contrat pour la CPTS").click()
    expect(page.get_by_text("Contrat signé.", exact=True)).to_be_visible()

    # The CPAM and the DD ARS sign from their own accounts; the third signature records it.
    for who, party in (("marie.chevalier", "la CPAM"), ("camille.dupuis", "l'ARS")):
        log_in(who)
        page.goto(f"{live_server.url}/projets/{UZEGE}/contrat/")
        page.get_by_role("button", name=f"Signer le contrat pour {party}").click()
    expect(
        page.get_by_text("Contrat signé par les trois parties : il est enregistré.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Retirer la signature de l'ARS")).to_have_count(0)
    screenshot("contract-02-signed")
    assert Project.objects.get(slug=UZEGE).state == "CONTRACTED"

    # The contract PDF, looked at as an image.
    page.get_by_role("button", name="Contrat en PDF").click()
    download_link = page.get_by_role("link", name="Télécharger le PDF")
    expect(download_link).to_be_visible(timeout=120_000)
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == f"contrat-aci-{UZEGE}.pdf"
    pdf = tmp_path / "contrat.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
            check=True,
        )
        image = next(tmp_path.glob("p*.png"))
        assert image.stat().st_size > 5_000
        page.goto(image.as_uri())
        screenshot("contract-03-pdf-page-1")

    # The CPAM records the first payment (the amount the follow-up plans).
    project = Project.objects.get(slug=UZEGE)
    first = followup.follow_up(project)["years"][0].dues[0]
    log_in("marie.chevalier")
    page.goto(f"{live_server.url}/projets/{UZEGE}/suivi/annee-1/")
    page.get_by_role("combobox", name="Versement").select_option("start")
    page.get_by_label("Versé le").fill(first.expected.date.isoformat())
    page.get_by_label("Montant (€)").fill(str(first.expected.amount).replace(".", ","))
    page.get_by_role("button", name="Enregistrer le versement").click()
    expect(page.get_by_text("Versement enregistré.")).to_be_visible()

    # The CPTS's deadlines: the payment's row is closed.
    log_in("thomas.lefevre")
    page.goto(f"{live_server.url}/projets/{UZEGE}/echeances/")
    row = page.locator("tr.deadline-done").filter(has_text="Versement ACI — À la signature")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("versé")
    screenshot("contract-04-deadline-closed")
