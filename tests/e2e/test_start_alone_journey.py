"""Journey of issue 18: from a blank database, a coordinator starts alone — sign up, confirm
the address from the e-mail, create the project, invite a colleague, start a fiche from an
example, type in two parts and reload without saving, get the drafts back, save, export the
projet de santé as PDF and as Word.

Each step is a helper taking the page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Un-mot-de-passe-solide-2026"
EMAIL = "anne.leroy@exemple.fr"
CPTS = "CPTS des Garrigues"
SLUG = "cpts-des-garrigues"


def blank_database():
    """What a fresh `migrate` leaves, plus the communes: no account, organisation or project
    (the reference data — missions catalogue, ACI barème, referential — stays). Everything
    hanging off an account, an organisation or a project goes with them (PostgreSQL's
    TRUNCATE … CASCADE); the demo comes back after the test (tests/conftest.py)."""
    from django.db import connection

    from accounts.models import Organisation, User
    from projects.models import Project

    tables = [model._meta.db_table for model in (Project, Organisation, User)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    assert not User.objects.exists() and not Project.objects.exists()
    mail.outbox.clear()


def _link(pattern: str) -> str:
    for message in reversed(mail.outbox):
        found = re.search(pattern, message.body)
        if found:
            return found.group(0)
    raise AssertionError(f"no e-mail with {pattern}: {[m.subject for m in mail.outbox]}")


def sign_up(page, live_server, screenshot):
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_role("link", name="Créer un compte / Lancer un projet de CPTS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Créer un compte et lancer un projet de CPTS"
    )
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Prénom").fill("Anne")
    page.locator("#id_last_name").fill("Leroy")
    page.get_by_label("Profession").fill("Médecin généraliste")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    screenshot("start-01-sign-up")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Confirmez votre adresse e-mail")).to_be_visible()
    screenshot("start-02-check-your-mailbox")


def confirm_address(page, screenshot):
    link = _link(r"http://\S+/compte/inscription/confirmer/\S+/")
    page.goto(link)
    screenshot("start-03-confirm")
    page.get_by_role("button", name="Confirmer mon adresse et ouvrir mon compte").click()
    expect(
        page.get_by_text("Votre adresse est confirmée : votre compte est ouvert.")
    ).to_be_visible()


def create_project(page, screenshot):
    expect(page.get_by_role("heading", name="Lancer un projet de CPTS")).to_be_visible()
    page.get_by_label("Nom de la CPTS").fill(CPTS)
    page.get_by_label("Département(s) du territoire").select_option(["34", "30"])
    page.get_by_label("Une association en cours de création").check()
    page.get_by_label("Nom de l'association").fill("Association CPTS des Garrigues")
    screenshot("start-04-wizard")
    page.get_by_role("button", name="Créer le projet").click()
    expect(page.get_by_text(f"Le projet « {CPTS} » est créé")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Premiers pas")
    screenshot("start-05-first-steps")


def invite_colleague(page, browser, live_server, screenshot):
    page.get_by_role("link", name="Invitez vos collègues").click()
    page.get_by_label("Adresse e-mail de la personne à inviter").fill("lea.bernard@exemple.fr")
    page.get_by_label("Rôle proposé").select_option(label="pilote d'action")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Invitation envoyée à lea.bernard@exemple.fr")).to_be_visible()
    screenshot("start-06-team")
    # The colleague joins from her e-mail, with her name.
    colleague = browser.new_context(locale="fr-FR").new_page()
    colleague.goto(_link(r"http://\S+/compte/invitation/\S+/"))
    colleague.get_by_label("Prénom").fill("Léa")
    colleague.locator("#id_last_name").fill("Bernard")
    colleague.locator("#id_password1").fill(PASSWORD)
    colleague.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    colleague.get_by_role("button", name="Créer mon compte et rejoindre l'équipe").click()
    expect(colleague.get_by_text(f"Bienvenue ! Vous avez rejoint {CPTS}.")).to_be_visible()
    colleague.context.close()


def start_fiche_from_example(page, live_server, screenshot):
    page.goto(f"{live_server.url}/projets/{SLUG}/missions/")
    page.get_by_role("link", name="Bibliothèque d'exemples").click()
    page.get_by_label("Mission", exact=True).select_option(value="1b")
    page.get_by_role("button", name="Rechercher").click()
    screenshot("start-07-library")
    page.get_by_role(
        "link", name="Orienter chaque demande de soins non programmés vers un professionnel"
    ).first.click()
    screenshot("start-08-example")
    page.get_by_role("button", name="Partir de cet exemple").click()
    expect(page.get_by_text("créée à partir de l'exemple")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/projets/{SLUG}/fiches/1/$"))
    problems = page.locator("#section-constats")
    expect(problems.get_by_label("Objectif(s) opérationnel(s)")).to_have_value(
        re.compile("urgence non vitale")
    )


def type_reload_restore_and_save(page, screenshot):
    """Typed in two parts, the page reloaded without saving: each part offers its local draft
    back (issue 18, item 2); restored, then saved."""
    problems, means = page.locator("#section-constats"), page.locator("#section-moyens")
    problems.get_by_label("Public cible").fill("Habitants des 24 communes des Garrigues")
    means.get_by_label("Moyens humains").fill("Une coordinatrice à mi-temps.")
    page.wait_for_timeout(600)  # the draft is written 300 ms after the last key
    page.reload()  # the "leave this page?" question is accepted (tests/e2e/conftest.py)

    offers = page.locator(".draft-offer")
    expect(offers).to_have_count(2)
    expect(offers.first).to_contain_text("Un brouillon non enregistré du ")
    screenshot("start-09-drafts-offered")
    for part in (problems, means):
        part.get_by_role("button", name="Restaurer").click()
    expect(offers).to_have_count(0)
    for part in (problems, means):
        part.get_by_role("button", name="Enregistrer").click()
        expect(part.get_by_role("status")).to_have_text("Enregistré.")
    screenshot("start-10-fiche")


def export_pdf(page, live_server, screenshot):
    page.goto(f"{live_server.url}/projets/{SLUG}/documents/")
    # The PDF renders in the request here (tasks eager in the tests): give a busy machine time.
    page.set_default_timeout(120_000)
    page.get_by_role("button", name="Projet de santé (PDF)").click()
    download_link = page.get_by_role("link", name="Télécharger le PDF")
    expect(download_link).to_be_visible(timeout=120_000)
    screenshot("start-11-pdf")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def export_docx(page, live_server):
    """The Word export (issue 18, item 4): the documents page's Word link downloads the
    projet de santé as a DOCX (a ZIP file)."""
    page.goto(f"{live_server.url}/projets/{SLUG}/documents/")
    word = page.get_by_role("link", name=re.compile(r"Word|DOCX", re.I))
    expect(word).to_have_count(1)
    with page.expect_download() as download:
        word.first.click()
    assert download.value.suggested_filename.endswith(".docx")
    with open(download.value.path(), "rb") as docx:
        assert docx.read(2) == b"PK"


def test_a_coordinator_starts_alone_from_a_blank_database(
    referential, live_server, page, browser, screenshot
):
    from accounts.models import Membership, User
    from projects.models import Project

    blank_database()

    sign_up(page, live_server, screenshot)
    confirm_address(page, screenshot)
    create_project(page, screenshot)
    invite_colleague(page, browser, live_server, screenshot)
    start_fiche_from_example(page, live_server, screenshot)
    type_reload_restore_and_save(page, screenshot)
    export_pdf(page, live_server, screenshot)
    export_docx(page, live_server)

    project = Project.objects.get(slug=SLUG)
    anne = User.objects.get(email=EMAIL)
    assert anne.get_full_name() == "Anne Leroy"
    assert Membership.objects.get(user=anne, organisation=project.organisation).role == (
        "COORDINATOR"
    )
    assert Membership.objects.get(
        user__email="lea.bernard@exemple.fr", organisation=project.organisation
    ).role == ("PILOT")
    fiche = project.fiches.get(number=1)
    assert fiche.target_public == "Habitants des 24 communes des Garrigues"
    assert fiche.means_human == "Une coordinatrice à mi-temps."
    assert fiche.indicators.count() == 3
    subjects = [m.subject for m in mail.outbox]
    assert "Confirmez votre adresse pour créer votre compte CPTS Portal" in subjects
    assert "Votre compte CPTS Portal est ouvert" in subjects
    assert f"Votre projet « {CPTS} » est créé sur CPTS Portal" in subjects
