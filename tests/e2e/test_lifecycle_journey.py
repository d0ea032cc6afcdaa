"""Journeys of the lifecycle: the intention letter validated by the DD ARS and the CPAM; the
review of a deposited projet de santé, each body's avis and the decision; and, without a
decision, the project réputé validé once the deadline has passed."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from projects.deadlines import tacit_validation_date
from projects.models import Deposit
from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, who):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(f"{who}@demo.cpts-portal.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_intention_letter_submitted_then_validated_by_the_dd_ars_and_the_cpam(
    demo, live_server, page, screenshot
):
    _log_in(page, live_server, "nadia.mercier")
    page.get_by_role("button", name="Commencer la lettre d'intention").click()
    page.get_by_role("link", name="Lettre d'intention").click()
    page.get_by_label("Diagnostic succinct").fill("Territoire rural, départs à la retraite.")
    page.get_by_label("Acteurs et partenaires impliqués").fill("- hôpital local de Lodève")
    page.get_by_label("Missions envisagées").fill("Les missions socles.")
    page.get_by_label("Calendrier prévisionnel").fill("Projet de santé en 2027.")
    page.get_by_label("Territoire envisagé").fill("Lodévois et Larzac")
    page.get_by_role("button", name="Enregistrer la lettre").click()
    expect(page.get_by_text("Lettre d'intention enregistrée.")).to_be_visible()
    screenshot("10-intention-letter")
    page.get_by_role(
        "button", name="Transmettre la lettre d'intention à l'ARS et à la CPAM"
    ).click()
    expect(page.get_by_text("C'est fait")).to_be_visible()

    # "Validée" only once both bodies have validated; a body's buttons go once it answered.
    for reviewer, message in (
        ("isabelle.moreau", "avis favorable de la DD ARS, en attente de la réponse de la CPAM"),
        ("marie.chevalier", "C'est fait : lettre d'intention validée par la DD ARS et la CPAM."),
    ):
        _log_in(page, live_server, reviewer)
        page.goto(f"{live_server.url}/projets/lodevois-larzac/")
        page.get_by_role("button", name="Valider la lettre d'intention").click()
        expect(page.get_by_role("status").filter(has_text=message)).to_be_visible()
        expect(page.get_by_role("button", name="Valider la lettre d'intention")).to_have_count(0)

    _log_in(page, live_server, "nadia.mercier")
    expect(page.get_by_text("Projet de santé en rédaction", exact=True)).to_be_visible()
    timeline = page.get_by_role("region", name="Historique du projet")
    expect(timeline.get_by_role("listitem")).to_have_count(4)
    expect(timeline).to_contain_text("Lettre d'intention transmise à la DD ARS et à la CPAM")
    screenshot("11-project-after-intention")


def test_each_body_gives_its_avis_and_the_decider_validates(demo, live_server, page, screenshot):
    _log_in(page, live_server, "camille.dupuis")
    page.goto(f"{live_server.url}/projets/uzege-pont-du-gard/instruction/")
    expect(page.get_by_role("heading", name="Grille d'avis (1 sur 5 rendus)")).to_be_visible()
    page.get_by_role("link", name="DD ARS").click()
    for select in page.get_by_role("combobox").all()[:5]:
        select.select_option("SATISFAISANT")
    page.get_by_label("Avis de l'organisme").select_option("RESERVES")
    page.get_by_label("Motivation").fill("Projet solide ; suivre la mission parcours.")
    screenshot("12-avis-grid")
    page.get_by_role("button", name="Rendre l'avis").click()
    expect(page.get_by_text("Avis rendu.")).to_be_visible()

    _log_in(page, live_server, "laurent.bonnet")
    page.goto(f"{live_server.url}/projets/uzege-pont-du-gard/instruction/")
    expect(page.get_by_role("heading", name="Grille d'avis (2 sur 5 rendus)")).to_be_visible()
    decide = page.locator("form").filter(
        has=page.get_by_role("button", name="Valider le projet de santé")
    )
    decide.get_by_label("Points de vigilance (facultatif)").fill("Recruter un second coordinateur.")
    decide.get_by_label(re.compile("Décider sans les avis manquants")).check()
    screenshot("13-review-decision")
    decide.get_by_role("button", name="Valider le projet de santé").click()
    expect(page.get_by_text("C'est fait : projet de santé validé par l'ars.")).to_be_visible()

    _log_in(page, live_server, "thomas.lefevre")
    expect(page.get_by_role("heading", name="Décision de l'ARS")).to_be_visible()
    decision = page.get_by_role("region", name="Décision de l'ARS")
    expect(decision.get_by_text("Recruter un second coordinateur.")).to_be_visible()
    page.get_by_role("link", name="Instruction et avis").click()
    expect(page.get_by_role("cell", name="favorable avec réserves")).to_be_visible()
    screenshot("14-cpts-sees-decision")


def test_without_decision_the_project_is_reputed_validated_after_the_deadline(
    demo, live_server, page
):
    deposit = Deposit.objects.get(project__slug="uzege-pont-du-gard")
    after = tacit_validation_date(deposit.clock_start_date)

    with time_machine.travel(dt.datetime.combine(after, dt.time(9)).astimezone(), tick=True):
        _log_in(page, live_server, "henri.vidal")
        page.goto(f"{live_server.url}/projets/uzege-pont-du-gard/")

        expect(page.get_by_text("Projet de santé réputé validé").first).to_be_visible()
        clock = page.get_by_role("region", name="Délai d'instruction")
        expect(
            clock.get_by_text(re.compile(r"Réputé validé depuis le \d\d/\d\d/\d{4}"))
        ).to_be_visible()

    deposit.project.refresh_from_db()
    assert deposit.project.state == "DEPOSITED"  # derived, nothing written by a task
