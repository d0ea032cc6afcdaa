"""Journey: each kind of user logs in from the demo table and lands on his home."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, email):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_coordinator_logs_in_and_reaches_his_workspace(
    demo, live_server, page, settings, screenshot
):
    settings.DEMO_MODE = True
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/compte/connexion/\?next=/$"))
    expect(page.get_by_text("Mot de passe :")).to_be_visible()
    expect(page.get_by_role("cell", name="claire.martin@demo.cpts-portal.fr")).to_be_visible()
    screenshot("01-login")

    _log_in(page, live_server, "claire.martin@demo.cpts-portal.fr")

    expect(page).to_have_url(f"{live_server.url}/projets/pic-saint-loup/")
    expect(page.get_by_role("heading", name="CPTS du Pic Saint-Loup")).to_be_visible()
    expect(page.locator("[aria-current=step]")).to_contain_text("Projet de santé (rédaction)")
    expect(page.get_by_role("link", name="Instruction")).to_have_count(0)
    screenshot("02-cpts-workspace")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/compte/connexion/$"))


def test_reviewer_logs_in_and_sees_the_projects_of_his_departement(
    demo, live_server, page, screenshot
):
    _log_in(page, live_server, "isabelle.moreau@demo.cpts-portal.fr")

    expect(page).to_have_url(f"{live_server.url}/instruction/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_text([re.compile("CPTS du Bassin de Thau"), re.compile("Pic Saint-Loup")])
    screenshot("03-reviewer-queue")
    rows.filter(has_text="Pic Saint-Loup").get_by_role("link").click()
    expect(page.get_by_text("Vous instruisez ce projet")).to_be_visible()


def test_analyst_sees_the_region_by_stage(demo, live_server, page, screenshot):
    _log_in(page, live_server, "helene.rousseau@demo.cpts-portal.fr")

    expect(page).to_have_url(f"{live_server.url}/analyse/")
    projects = page.get_by_role("table", name="Projets de CPTS").locator("tbody tr")
    expect(projects).to_have_count(4)
    by_departement = page.locator("table.by-departement tbody tr")
    expect(by_departement).to_have_count(2)  # the Gard and the Hérault
    expect(by_departement.filter(has_text="Hérault")).to_contain_text("€")  # funding committed
    page.get_by_label("Étape").select_option("INSTRUCTION")
    page.get_by_role("button", name="Filtrer").click()
    expect(projects).to_have_count(1)
    screenshot("04-analyst-overview")


def test_pages_raise_no_content_security_policy_violation(demo, live_server, page):
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    _log_in(page, live_server, "claire.martin@demo.cpts-portal.fr")
    page.get_by_role("button", name="Afficher le menu").count()  # collapsed only on small screens
    page.keyboard.press("Tab")

    expect(page.get_by_role("heading", name="CPTS du Pic Saint-Loup")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert page.evaluate("typeof htmx") == "object"
