"""Journey: a coordinator fills his budget prévisionnel, sees a gap, exports it to XLSX."""

import os
import re
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, email):
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def _csp_errors(errors):
    return [e for e in errors if "Content Security Policy" in e]


def test_coordinator_fills_the_budget_and_exports_it(demo, live_server, page, screenshot, tmp_path):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    def shot(name):
        # caret="initial": Playwright's default hides the caret with an injected style element,
        # which the CSP (rightly) blocks.
        if SCREENSHOTS:
            os.makedirs(SCREENSHOTS, exist_ok=True)
            path = os.path.join(SCREENSHOTS, f"{name}.png")
            page.screenshot(path=path, full_page=True, caret="initial")

    _log_in(page, live_server, "claire.martin@demo.cpts-portal.fr")
    page.goto(f"{live_server.url}/projets/pic-saint-loup/")
    page.get_by_role("link", name="Budget", exact=True).click()
    expect(page).to_have_url(re.compile(r"/projets/pic-saint-loup/budget/$"))
    errors.clear()  # from here on, only the budget's own pages and swaps count
    prevention = page.locator("#partie-prevention")
    expect(prevention.locator(".balance")).to_contain_text("Équilibré")
    shot("funding-01-budget")

    prevention.get_by_text("Ajouter une ligne").click()
    prevention.get_by_label("Catégorie").select_option("SALAIRES")
    prevention.get_by_label("Libellé").fill("Chargée de prévention (0,1 ETP)")
    prevention.get_by_label("Montant annuel (€)").fill("4 500")
    prevention.get_by_role("button", name="Ajouter").click()

    prevention = page.locator("#partie-prevention")
    expect(prevention).to_contain_text("Chargée de prévention (0,1 ETP)")
    expect(prevention.locator(".balance")).to_contain_text(
        "Non équilibré — écart : -4\u202f500\u00a0€"
    )
    expect(page.locator("#budget-global")).to_contain_text("budget à équilibrer")
    shot("funding-02-unbalanced")

    prevention.get_by_role("link", name="Modifier Chargée de prévention (0,1 ETP)").click()
    editing = page.locator("#partie-prevention .edit-row")
    editing.get_by_label("Montant annuel (€)").fill("0")
    shot("funding-03-editing")
    editing.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#partie-prevention .balance")).to_contain_text("Équilibré")
    expect(page.locator("#budget-global")).to_contain_text("budget équilibré")
    prevention = page.locator("#partie-prevention")
    prevention.get_by_role("link", name="Modifier Chargée de prévention (0,1 ETP)").click()
    editing = page.locator("#partie-prevention .edit-row")
    editing.get_by_label("Montant annuel (€)").fill("4 500")
    editing.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#partie-prevention .balance")).to_contain_text("-4\u202f500\u00a0€")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter en tableur (XLSX)").click()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    workbook = openpyxl.load_workbook(target)
    detail = workbook["Détail des lignes"]
    rows = list(detail.iter_rows(min_row=2, values_only=True))
    prevention_rows = [r for r in rows if r[0].startswith("Mission — Prévention")]
    expenses = sum(Decimal(str(r[4])) for r in prevention_rows if r[1] == "Dépenses")
    resources = sum(Decimal(str(r[4])) for r in prevention_rows if r[1] == "Ressources")
    assert (expenses, resources) == (Decimal(34_500), Decimal(30_000))
    assert ("Chargée de prévention (0,1 ETP)", 4500) in [(r[3], r[4]) for r in prevention_rows]
    assert not _csp_errors(errors), errors


def test_simulator_shows_the_chart_and_the_schedule(demo, live_server, page, screenshot):
    _log_in(page, live_server, "isabelle.moreau@demo.cpts-portal.fr")
    page.goto(f"{live_server.url}/simulateur/")
    page.get_by_label("Population du territoire (habitants)").fill("52000")
    page.get_by_label("Service de traitement et d'orientation").check()
    page.get_by_label("Date de signature du contrat").fill("2025-01-31")
    page.get_by_role("button", name="Calculer").click()

    expect(page.locator(".amount-total")).to_have_text("252\u202f000\u00a0€")
    expect(page.locator(".five-year-total")).to_have_text("1\u202f260\u202f000\u00a0€")
    expect(page.locator(".schedule-table tbody tr")).to_have_count(10)
    expect(page.locator("figure.funding-chart > svg rect")).to_have_count(15)
    screenshot("funding-04-simulator")
