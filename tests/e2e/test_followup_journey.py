"""Journeys of the contract years: a bureau member follows every deadline and subscribes his
calendar; the three parties hold the yearly dialogue de gestion and sign it."""

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from projects.models import AnnualDialogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THAU = "/projets/bassin-de-thau"


def test_a_bureau_member_reads_his_deadlines_and_downloads_his_calendar(
    demo, log_in, live_server, page, screenshot
):
    log_in("marc.olivier")
    page.get_by_role("link", name="Échéances", exact=True).click()

    late = page.locator("tr.deadline-late")
    expect(late.filter(has_text="Dialogue de gestion annuel (fin de l'année 2")).to_have_count(1)
    expect(
        page.locator("tr.deadline-done").filter(
            has_text="Dialogue de gestion annuel (fin de l'année 1"
        )
    ).to_have_count(1)
    expect(page.get_by_text("Fin du contrat ACI (5 ans)")).to_be_visible()
    page.get_by_role("button", name="Obtenir mon lien d'abonnement").click()
    feed_url = page.get_by_label("Adresse du calendrier").input_value()
    assert feed_url.startswith("http") and feed_url.endswith(".ics")
    screenshot("followup-01-deadlines")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le fichier .ics").click()
    with open(download_info.value.path(), "rb") as feed:
        calendar = Calendar.from_ical(feed.read())
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert any("Dialogue de gestion annuel" in s for s in summaries)
    assert any("Fin du contrat ACI" in s for s in summaries)


def test_the_three_parties_hold_and_sign_the_yearly_dialogue(
    demo, log_in, live_server, page, screenshot
):
    # The coordinator prepares the second year's dialogue from the measured rates.
    log_in("lucie.bernard")
    page.goto(f"{live_server.url}{THAU}/suivi/")
    expect(page.locator("table.followup-years tbody tr")).to_have_count(5)
    page.get_by_role("link", name="Année 2").click()
    expect(
        page.get_by_label("Taux d'atteinte retenu — Accès aux soins (missions 1a et 1b) (%)")
    ).to_have_value("94")  # the mean of the retained 1a and 1b indicators
    page.get_by_label("Taux d'atteinte retenu — Parcours pluriprofessionnels (mission 2) (%)").fill(
        "80"
    )
    page.get_by_role("textbox", name="Compte rendu").fill("Parcours : objectif presque atteint.")
    page.get_by_role("button", name="Enregistrer le dialogue").click()
    expect(page.get_by_text("Dialogue de gestion de l'année 2 enregistré.")).to_be_visible()
    page.get_by_role("button", name="Signer pour la CPTS").click()
    expect(page.get_by_text("Dialogue signé.")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer le dialogue")).to_have_count(0)
    screenshot("followup-02-dialogue-signed-by-the-cpts")

    # The CPAM records the balance it paid and signs; the DD ARS signs last.
    log_in("marie.chevalier")
    page.goto(f"{live_server.url}{THAU}/suivi/annee-2/")
    page.get_by_role("combobox", name="Versement").select_option(label="solde")
    page.get_by_label("Versé le").fill("2026-11-02")
    page.get_by_label("Montant (€)").fill("96 475")
    page.get_by_role("button", name="Enregistrer le versement").click()
    expect(page.locator(".payments-made")).to_contain_text("Solde — le 02/11/2026")
    page.get_by_role("button", name="Signer pour la CPAM").click()
    log_in("isabelle.moreau")
    page.goto(f"{live_server.url}{THAU}/suivi/annee-2/")
    page.get_by_role("button", name="Signer pour l'ARS").click()
    expect(page.get_by_text("Dialogue signé.")).to_be_visible()
    screenshot("followup-03-dialogue-signed")

    dialogue = AnnualDialogue.objects.get(project__slug="bassin-de-thau", year=2)
    assert dialogue.is_signed and dialogue.attainment["parcours"] == "80"
    page.goto(f"{live_server.url}{THAU}/")
    expect(
        page.get_by_text("Dialogue de gestion de l'année 2 signé par les trois parties")
    ).to_be_visible()
