"""Journey: a coordinator invites a colleague as pilot; the colleague sets his password and
lands in the workspace with the pilot's rights; a cancelled link grants nothing."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, email):
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def _invitation_link():
    return re.search(r"http://\S+/compte/invitation/\S+/", mail.outbox[-1].body).group(0)


def test_coordinator_invites_a_pilot_who_joins(demo, live_server, page, browser, screenshot):
    _log_in(page, live_server, "claire.martin@demo.cpts-portal.fr")
    page.get_by_role("link", name="Équipe").click()
    page.get_by_label("Adresse e-mail de la personne à inviter").fill("lea.bernard@exemple.fr")
    page.get_by_label("Rôle proposé").select_option(label="pilote d'action")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Invitation envoyée à lea.bernard@exemple.fr")).to_be_visible()
    pending = page.get_by_role("region", name="Invitations en attente")
    expect(
        pending.get_by_role("listitem").filter(has_text="lea.bernard@exemple.fr")
    ).to_contain_text("pilote d'action")
    link = _invitation_link()

    colleague = browser.new_context(locale="fr-FR").new_page()
    colleague.goto(link)
    expect(colleague.get_by_role("heading", name=re.compile("Rejoindre"))).to_be_visible()
    colleague.get_by_label("Prénom").fill("Léa")
    colleague.locator("#id_last_name").fill("Bernard")
    colleague.get_by_label("Profession").fill("Infirmière")
    colleague.locator("#id_password1").fill("Un-mot-de-passe-solide-2026")
    colleague.get_by_label("Confirmation du mot de passe").fill("Un-mot-de-passe-solide-2026")
    colleague.get_by_role("button", name="Créer mon compte et rejoindre l'équipe").click()

    expect(colleague).to_have_url(f"{live_server.url}/projets/pic-saint-loup/")
    expect(colleague.get_by_text("Votre rôle : pilote d'action")).to_be_visible()
    expect(colleague.get_by_text("Bienvenue ! Vous avez rejoint")).to_be_visible()
    page.reload()
    new_row = page.get_by_role("row").filter(has_text="Léa Bernard")
    expect(new_row).to_contain_text("pilote d'action")
    expect(page.get_by_text("Invitation acceptée : lea.bernard@exemple.fr")).to_be_visible()
    screenshot("05-team")


def test_a_cancelled_invitation_link_grants_nothing(demo, live_server, page):
    _log_in(page, live_server, "claire.martin@demo.cpts-portal.fr")
    page.goto(f"{live_server.url}/organisations/cpts-pic-saint-loup/equipe/")
    page.get_by_label("Adresse e-mail de la personne à inviter").fill("annule@exemple.fr")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    link = _invitation_link()
    pending = page.get_by_role("region", name="Invitations en attente")
    pending.get_by_role("listitem").filter(has_text="annule@exemple.fr").get_by_role(
        "button", name="Annuler"
    ).click()
    expect(page.get_by_text("son lien ne fonctionne plus")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto(link)

    expect(page.get_by_role("heading", name="Invitation annulée")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Créer mon compte"))).to_have_count(0)
