"""Never lose a word (static/js/drafts.js): failed background saves are shown in French with
the text kept; unsaved text is kept as a local draft, offered back after a reload; leaving a
page with unsaved changes asks first."""

import re

import pytest
from playwright.sync_api import expect

from missions.models import Fiche

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PIC = "/projets/pic-saint-loup"
SECTION_URL = re.compile(r".*/fiches/1/sections/constats/$")


def _open_fiche(page, live_server, log_in):
    log_in("claire.martin")
    page.goto(f"{live_server.url}{PIC}/fiches/1/")
    return page.locator("#section-constats")


def test_a_save_failing_with_a_500_shows_a_french_message_and_keeps_the_text(
    demo, log_in, live_server, page, screenshot
):
    section = _open_fiche(page, live_server, log_in)
    page.route(SECTION_URL, lambda route: route.fulfill(status=500, body="Server Error"))
    field = section.get_by_label("Problématiques constatées")
    field.fill("Texte écrit pendant une panne du serveur.")

    section.get_by_role("button", name="Enregistrer").click()

    alert = section.get_by_role("alert")
    expect(alert).to_contain_text("Enregistrement impossible : erreur du serveur (code 500)")
    expect(alert).to_contain_text("Votre texte est conservé")
    expect(field).to_have_value("Texte écrit pendant une panne du serveur.")
    screenshot("drafts-01-save-failed-500")

    page.unroute(SECTION_URL)
    section.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#section-constats").get_by_role("status")).to_have_text("Enregistré.")
    expect(page.locator("#section-constats").get_by_role("alert")).to_have_count(0)
    fiche = Fiche.objects.get(project__slug="pic-saint-loup", number=1)
    assert fiche.problems == "Texte écrit pendant une panne du serveur."


def test_a_save_failing_offline_shows_a_french_message_and_keeps_the_text(
    demo, log_in, live_server, page, screenshot
):
    section = _open_fiche(page, live_server, log_in)
    field = section.get_by_label("Public cible")
    field.fill("Texte écrit hors connexion.")
    page.context.set_offline(True)

    section.get_by_role("button", name="Enregistrer").click()

    alert = section.get_by_role("alert")
    expect(alert).to_contain_text("le serveur ne répond pas")
    expect(alert).to_contain_text("Vérifiez votre connexion internet")
    expect(field).to_have_value("Texte écrit hors connexion.")
    screenshot("drafts-02-save-failed-offline")
    page.context.set_offline(False)


def test_a_row_deleted_by_a_colleague_shows_a_404_message(demo, log_in, live_server, page):
    log_in("claire.martin")
    page.goto(f"{live_server.url}{PIC}/fiches/1/")
    row = page.locator("#row-sous-actions-1")
    row.get_by_label("Quoi").fill("Ma nouvelle formulation")
    Fiche.objects.get(project__slug="pic-saint-loup", number=1).sub_actions.get(number=1).delete()

    row.get_by_role("button", name="Enregistrer la ligne n° 1").click()

    expect(row.get_by_role("alert")).to_contain_text("ce contenu n'existe plus")
    expect(row.get_by_label("Quoi")).to_have_value("Ma nouvelle formulation")


def test_drafts_of_two_parts_are_offered_back_after_a_reload_and_saved(
    demo, log_in, live_server, page, screenshot
):
    section = _open_fiche(page, live_server, log_in)
    section.get_by_label("Problématiques constatées").fill("Brouillon des problématiques.")
    means = page.locator("#section-moyens")
    means.get_by_label("Moyens humains").fill("Brouillon des moyens humains.")
    page.wait_for_timeout(600)  # the draft is written 300 ms after the last key

    # Leaving asks first (beforeunload); the dialog is accepted (tests/e2e/conftest.py).
    dialogs = []
    page.on("dialog", lambda d: dialogs.append(d.type))
    page.reload()
    assert dialogs == ["beforeunload"]

    offers = page.locator(".draft-offer")
    expect(offers).to_have_count(2)
    expect(offers.first).to_contain_text("Un brouillon non enregistré du ")
    expect(
        page.locator("#section-constats").get_by_label("Problématiques constatées")
    ).not_to_have_value("Brouillon des problématiques.")
    screenshot("drafts-03-offered-back")
    for key in ("constats", "moyens"):
        page.locator(f"#section-{key}").get_by_role("button", name="Restaurer").click()
    expect(offers).to_have_count(0)
    section = page.locator("#section-constats")
    expect(section.get_by_label("Problématiques constatées")).to_have_value(
        "Brouillon des problématiques."
    )
    for key in ("constats", "moyens"):
        part = page.locator(f"#section-{key}")
        part.get_by_role("button", name="Enregistrer").click()
        expect(part.get_by_role("status")).to_have_text("Enregistré.")

    fiche = Fiche.objects.get(project__slug="pic-saint-loup", number=1)
    assert fiche.problems == "Brouillon des problématiques."
    assert fiche.means_human == "Brouillon des moyens humains."
    # Saved: no draft is left, no warning on leaving.
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cpts-draft|')).length")
        == 0
    )
    dialogs.clear()
    page.reload()
    assert dialogs == []
    expect(page.locator(".draft-offer")).to_have_count(0)


def test_an_ignored_draft_is_forgotten_and_passwords_are_never_kept(
    demo, log_in, live_server, page
):
    log_in("claire.martin")
    page.goto(f"{live_server.url}/compte/mot-de-passe/")
    page.locator("input[type=password]").first.fill("secret-jamais-garde")
    page.wait_for_timeout(600)
    stored = page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    assert "secret-jamais-garde" not in stored

    section = _open_fiche(page, live_server, log_in)
    section.get_by_label("Public cible").fill("À oublier")
    page.wait_for_timeout(600)
    page.reload()
    page.locator("#section-constats").get_by_role("button", name="Ignorer").click()
    page.reload()
    expect(page.locator(".draft-offer")).to_have_count(0)


def test_a_full_page_form_keeps_a_draft_until_the_server_redirects_after_saving(
    demo, log_in, live_server, page
):
    log_in("claire.martin")
    page.goto(f"{live_server.url}/compte/profil/")
    page.get_by_label("Profession").fill("Coordinatrice de la CPTS")
    page.wait_for_timeout(600)
    assert "Coordinatrice de la CPTS" in page.evaluate(
        "JSON.stringify(Object.assign({}, localStorage))"
    )

    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_label("Profession")).to_have_value("Coordinatrice de la CPTS")
    expect(page.locator(".draft-offer")).to_have_count(0)
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cpts-draft|')).length")
        == 0
    )
