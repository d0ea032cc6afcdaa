"""Journeys: writing the fiches-actions together in the browser, without losing a word."""

import os

import pytest
from playwright.sync_api import expect

from missions.models import Fiche
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PIC = "/projets/pic-saint-loup"


def _save(section):
    section.get_by_role("button", name="Enregistrer").click()
    expect(section.get_by_role("status")).to_have_text("Enregistré.")


def _add_row(page, kind, values, selects=None, checks=()):
    form = page.locator(f"#nouveau-{kind}")
    for label, value in values.items():
        form.get_by_label(label).fill(value)
    for label, value in (selects or {}).items():
        form.get_by_label(label).select_option(label=value)
    for label in checks:
        form.get_by_label(label).check()
    rows = page.locator(f"#rows-{kind} li.fiche-row")
    count = rows.count()
    form.get_by_role("button").click()
    expect(rows).to_have_count(count + 1)


def test_coordinator_writes_a_complete_fiche_and_finds_it_in_the_overview(
    demo, log_in, live_server, page, screenshot
):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in("claire.martin")
    page.goto(f"{live_server.url}{PIC}/missions/")
    # The crisis mission is optional under ACI-2019 (guide: "conditions et détails à venir").
    expect(page.get_by_text("Rien ne manque côté missions")).to_be_visible()
    screenshot("missions-01-overview")
    page.get_by_role("link", name="Nouvelle fiche-action").click()
    page.get_by_label("Libellé de l'action").fill("Plan de réponse aux crises sanitaires")
    page.get_by_label("Mission concernée").select_option(
        label="Mission 6 — Crises sanitaires graves"
    )
    page.get_by_label("Pilote (membre de la CPTS)").select_option(
        label="Sophie Garnier (Pharmacienne)"
    )
    page.get_by_role("button", name="Créer la fiche-action").click()
    expect(page).to_have_url(f"{live_server.url}{PIC}/fiches/7/")

    pilot = page.locator("#section-pilote")
    pilot.get_by_label("Pilote extérieur : nom et prénom").fill("Dr Paul Rigal")
    pilot.get_by_label("Pilote extérieur : profession").fill("Médecin urgentiste")
    pilot.get_by_label("Pilote extérieur : adresse").fill("Clinique du Parc, 04 67 00 99 88")
    _save(pilot)
    expect(page.locator("#fiche-heading")).to_contain_text(
        "Pilote : Sophie Garnier et Dr Paul Rigal"
    )
    # The page's other sections follow the version of this save (static/js/missions.js).
    expect(page.locator("#section-constats input[name=version]")).to_have_value("2")
    problems = page.locator("#section-constats")
    problems.get_by_label("Problématiques constatées").fill("Aucun plan de crise partagé.")
    problems.get_by_label("Objectif(s) opérationnel(s)").fill("- Écrire le plan\n- Le tester")
    problems.get_by_label("Public cible").fill("Population et professionnels du territoire")
    _save(problems)
    planning = page.locator("#section-planning")
    planning.get_by_label("Démarrage prévu").fill("2027-01-04")
    planning.get_by_label("Étapes").fill("Plan écrit à 6 mois, exercice à 12 mois.")
    planning.get_by_label("Échéance finale").fill("2028-06-30")
    _save(planning)
    means = page.locator("#section-moyens")
    means.get_by_label("Moyens logistiques").fill("Salle de crise à la mairie")
    means.get_by_label("Moyens numériques").fill("Liste de diffusion SMS")
    means.get_by_label("Moyens humains").fill("Coordinatrice : 5 jours")
    means.get_by_label("Ressources déjà disponibles").fill("Plan blanc du CHU")
    _save(means)
    obstacles = page.locator("#section-freins")
    obstacles.get_by_label("Freins").fill("Disponibilité des professionnels")
    obstacles.get_by_label("Leviers").fill("Exercice annuel avec la préfecture")
    obstacles.get_by_label("Budget estimé").fill("8500")
    _save(obstacles)

    _add_row(page, "membres", {"Personne extérieure : nom et prénom": "Marie Py"})
    for what in ("Recenser les ressources", "Écrire le plan", "Organiser un exercice"):
        _add_row(page, "sous-actions", {"Quoi": what, "Qui": "Groupe de travail"})
    _add_row(
        page,
        "indicateurs",
        {"Indicateur": "Plan de crise validé", "Valeur de départ": "0", "Cible du contrat": "1"},
        selects={"Type": "résultat"},
        checks=["Retenu pour la rémunération variable"],
    )
    _add_row(
        page,
        "indicateurs",
        {"Indicateur": "Professionnels formés", "Valeur de départ": "0", "Cible du contrat": "40"},
    )
    page.locator("#descendre-sous-actions-1").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#rows-sous-actions [role=status]").first).to_have_text(
        "Ligne n° 1 : descendu."
    )
    expect(page.locator("#rows-sous-actions li.fiche-row").first).to_have_id("row-sous-actions-2")
    expect(page.locator("#descendre-sous-actions-1")).to_be_focused()  # keyboard users stay put
    screenshot("missions-02-fiche-complete")

    fiche = Fiche.objects.get(project__slug="pic-saint-loup", number=7)
    assert fiche.pilot_name == "Dr Paul Rigal" and fiche.budget == 8500
    assert fiche.end_date.isoformat() == "2028-06-30" and fiche.resources_available
    assert [s.what for s in fiche.sub_actions.all()] == [
        "Écrire le plan",
        "Recenser les ressources",
        "Organiser un exercice",
    ]
    assert fiche.indicators.count() == 2 and fiche.members.count() == 1
    page.get_by_role("link", name="← Missions et fiches-actions").click()
    expect(page.get_by_text("Rien ne manque côté missions")).to_be_visible()
    mission = page.locator("#mission-6-bloc")
    expect(
        mission.get_by_role("link", name="Plan de réponse aux crises sanitaires")
    ).to_be_visible()
    expect(mission).to_contain_text("Plan de crise validé")
    screenshot("missions-03-overview-complete")
    assert not errors, errors


def test_pilot_edits_his_fiche_only_and_other_cpts_do_not_see_it(
    demo, log_in, live_server, page, browser, browser_context_args, screenshot
):
    log_in("julien.roux")
    page.goto(f"{live_server.url}{PIC}/fiches/1/")
    problems = page.locator("#section-constats")
    problems.get_by_label("Public cible").fill("Patients fragiles sans médecin traitant")
    _save(problems)
    screenshot("missions-04-pilot-edits")

    other_fiche = page.goto(f"{live_server.url}{PIC}/fiches/2/")
    expect(page.get_by_text("Lecture seule")).to_be_visible()
    screenshot("missions-04b-read-only")
    refused = page.goto(f"{live_server.url}{PIC}/fiches/2/sections/constats/")

    assert other_fiche.status == 200 and refused.status == 403
    context = browser.new_context(**browser_context_args)
    outsider = context.new_page()
    log_in("thomas.lefevre", on=outsider)
    assert outsider.goto(f"{live_server.url}{PIC}/fiches/1/").status == 404
    context.close()


def test_two_people_edit_the_same_fiche_and_nothing_is_lost(
    demo, log_in, live_server, page, browser, browser_context_args, screenshot
):
    log_in("claire.martin")
    page.goto(f"{live_server.url}{PIC}/fiches/1/")
    context = browser.new_context(**browser_context_args)
    other = context.new_page()
    log_in("julien.roux", on=other)
    other.goto(f"{live_server.url}{PIC}/fiches/1/")

    page.locator("#section-constats").get_by_label("Public cible").fill("Version de Claire")
    other.locator("#section-constats").get_by_label("Public cible").fill("Version de Julien")
    _save(page.locator("#section-constats"))
    other.locator("#section-constats").get_by_role("button", name="Enregistrer").click()

    conflict = other.locator("#section-constats .conflict")
    expect(conflict).to_contain_text("Claire Martin")
    expect(conflict).to_contain_text("Version de Claire")
    expect(other.locator("#section-constats").get_by_label("Public cible")).to_have_value(
        "Version de Julien"
    )
    if SCREENSHOTS:
        conflict.scroll_into_view_if_needed()
        other.screenshot(path=os.path.join(SCREENSHOTS, "missions-05-conflict.png"))
    assert Fiche.objects.get(project__slug="pic-saint-loup", number=1).target_public == (
        "Version de Claire"
    )

    # Julien's other sections were not touched: he still saves them.
    other.locator("#section-freins").get_by_label("Leviers").fill("Appui des infirmières")
    _save(other.locator("#section-freins"))
    other.get_by_role("link", name="Historique des modifications").click()
    entries = other.locator(".fiche-history > li")
    expect(entries.first).to_contain_text("Julien Roux")
    expect(entries.first).to_contain_text("Appui des infirmières")
    expect(entries.nth(1)).to_contain_text("Claire Martin")
    expect(entries.nth(1)).to_contain_text("Public cible")
    expect(entries.nth(1).locator("ins")).to_contain_text(["Version"])
    if SCREENSHOTS:
        other.screenshot(path=os.path.join(SCREENSHOTS, "missions-06-history.png"))
    context.close()
