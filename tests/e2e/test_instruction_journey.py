"""Issue 15, the instruction as a record, in the browser: the coordinator deposits with the
confirmation; the DD ARS reviewer reads the frozen round while the coordinator edits a fiche
and sees the marker and the diff; the file is declared incomplete and completed with an
attachment; the bodies give their avis, the decider validates; the CPTS reads the decision
letter (its PDF looked at as a PNG) and the avis."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from projects.models import Deposit, MissingPiecesRequest
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PIC = "/projets/pic-saint-loup"
LONG = 60_000  # ms: the PDFs render inside the request (eager tasks) on a loaded machine

# A one-page PDF, small and valid enough for the upload's magic-number check.
SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
AVIS = (  # who gives which body's avis
    ("isabelle.moreau", "ARS_DD", "RESERVES"),
    ("marie.chevalier", "CPAM", "FAVORABLE"),
    ("pierre.blanc", "URPS", "FAVORABLE"),
)


def test_deposit_snapshot_incomplete_file_avis_decision_and_the_decision_letter(
    demo, log_in, live_server, page, browser, browser_context_args, screenshot, tmp_path
):
    from tests.lifecycle.test_lifecycle import _complete_pic_saint_loup

    page.set_default_timeout(LONG)
    _complete_pic_saint_loup(demo)  # the demo lacks only the crisis mission's fiche-action

    # 1. The coordinator deposits, after confirming what is sent and that the clock starts.
    log_in("claire.martin")
    page.goto(f"{live_server.url}{PIC}/")
    deposit_form = page.locator("form").filter(
        has=page.get_by_role("button", name="Déposer le projet de santé")
    )
    expect(deposit_form).to_contain_text("Ce qui sera transmis")
    expect(deposit_form).to_contain_text("Le délai légal commence")
    deposit_form.get_by_label("Je confirme le dépôt du projet de santé auprès de l'ARS").check()
    screenshot("instruction-01-deposit-confirmation")
    deposit_form.get_by_role("button", name="Déposer le projet de santé").click()
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    deposit = Deposit.objects.get(project__slug="pic-saint-loup")
    assert deposit.number == 1 and len(deposit.snapshot_hash) == 64

    # 2. The DD ARS reviewer of the Hérault reads the deposited round, identical for now...
    context = browser.new_context(**browser_context_args)
    reviewer = context.new_page()
    reviewer.set_default_timeout(LONG)
    log_in("isabelle.moreau", on=reviewer)
    round_url = f"{live_server.url}{PIC}/instruction/depot-1/"
    reviewer.goto(round_url)
    expect(reviewer.get_by_role("heading", name="Dépôt n°1")).to_be_visible()
    expect(reviewer.get_by_text("identique à la version déposée")).to_be_visible()

    # ... while the coordinator keeps editing a fiche-action in her own browser.
    page.goto(f"{live_server.url}{PIC}/fiches/1/")
    problems = page.locator("#section-constats")
    problems.get_by_label("Public cible").fill("Public réécrit pendant l'instruction")
    problems.get_by_role("button", name="Enregistrer").click()
    expect(problems.get_by_role("status")).to_have_text("Enregistré.")

    # 3. After a reload, the marker and the diff show the change.
    reviewer.reload()
    expect(reviewer.get_by_text("Modifié depuis le dépôt", exact=True)).to_be_visible()
    changed = reviewer.locator(".snapshot-record.state-changed")
    expect(changed.get_by_text("modifié depuis le dépôt", exact=True)).to_be_visible()
    expect(changed.locator("ins")).to_contain_text("Public réécrit pendant l'instruction")
    screenshot_reviewer(reviewer, "instruction-02-round-marker-and-diff")

    # 4. The reviewer declares the file incomplete, listing the missing piece.
    reviewer.goto(f"{live_server.url}{PIC}/")
    incomplete = reviewer.locator("form").filter(
        has=reviewer.get_by_role("button", name="Déclarer le dossier incomplet")
    )
    incomplete.get_by_label("Pièces manquantes (une par ligne)").fill("- statuts signés")
    incomplete.get_by_role("button", name="Déclarer le dossier incomplet").click()
    expect(reviewer.get_by_text(re.compile("incomplet", re.I)).first).to_be_visible()
    assert Deposit.objects.get(pk=deposit.pk).is_incomplete

    # 5. The coordinator answers with the signed statutes attached.
    statutes = tmp_path / "statuts-signes.pdf"
    statutes.write_bytes(SMALL_PDF)
    page.goto(f"{live_server.url}{PIC}/")
    expect(page.get_by_text("statuts signés").first).to_be_visible()
    complete = page.locator("form").filter(
        has=page.get_by_role("button", name="Transmettre les pièces manquantes")
    )
    complete.get_by_label("Commentaire").fill("Voici les statuts signés.")
    complete.get_by_label(re.compile("Pièces jointes")).set_input_files(statutes)
    screenshot("instruction-03-missing-pieces-answer")
    complete.get_by_role("button", name="Transmettre les pièces manquantes").click()
    expect(page.get_by_role("button", name="Transmettre les pièces manquantes")).to_have_count(0)

    # 6. Completion recorded: the request holds its answer, its file and its reception date.
    request = MissingPiecesRequest.objects.get(deposit=deposit)
    assert request.answer == "Voici les statuts signés." and request.received_date
    assert [f.original_name for f in request.files.all()] == ["statuts-signes.pdf"]
    assert not Deposit.objects.get(pk=deposit.pk).is_incomplete
    reviewer.goto(f"{live_server.url}{PIC}/instruction/")
    expect(reviewer.get_by_text("statuts-signes.pdf").first).to_be_visible()
    expect(reviewer.get_by_text(f"Reçues le {request.received_date:%d/%m/%Y}")).to_be_visible()
    context.close()

    # 7. The bodies give their avis (the DD ARS with reservations).
    for who, code, overall in AVIS:
        log_in(who)
        page.goto(f"{live_server.url}{PIC}/instruction/avis/{code}/")
        grid = page.locator("form").filter(has=page.get_by_role("button", name="Rendre l'avis"))
        for answer in grid.get_by_role("combobox").all()[:5]:
            answer.select_option("SATISFAISANT")
        grid.get_by_label("Avis de l'organisme").select_option(overall)
        grid.get_by_label("Motivation").fill(f"Motivation de l'avis {code}.")
        grid.get_by_role("button", name="Rendre l'avis").click()
        expect(page.get_by_text("Avis rendu.")).to_be_visible()

    # 8. The decider validates.
    log_in("philippe.girard")
    page.goto(f"{live_server.url}{PIC}/instruction/")
    expect(page.get_by_role("heading", name="Grille d'avis (3 sur 5 rendus)")).to_be_visible()
    validate = page.locator("form.lifecycle-action:has(input[name=action][value=validate])")
    validate.get_by_label("Points de vigilance (facultatif)").fill("Suivre la mission crise.")
    validate.get_by_label(re.compile("sans les avis manquants .ELSM, MSA.")).check()
    screenshot("instruction-05-decision")
    validate.get_by_role("button").click()
    expect(page.get_by_text(re.compile("projet de santé validé", re.I)).first).to_be_visible()

    # 9. The CPTS reads the decision letter and each body's avis.
    log_in("claire.martin")
    page.goto(f"{live_server.url}{PIC}/documents/")
    letter = page.locator("tr").filter(has_text="Lettre de décision de l'ARS")
    expect(letter).to_have_count(1)
    screenshot("instruction-04-documents-with-decision-letter")
    with page.expect_download() as download_info:
        letter.get_by_role("link", name="Télécharger").click()
    pdf = tmp_path / "decision.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
        timeout=120,
    )
    png = next(tmp_path.glob("p*.png"))
    assert png.stat().st_size > 1000
    if SCREENSHOTS:
        png.replace(f"{SCREENSHOTS}/instruction-07-decision-letter-page-1.png")

    page.goto(f"{live_server.url}{PIC}/instruction/")
    expect(page.get_by_role("cell", name="favorable", exact=True)).to_have_count(2)
    expect(page.get_by_role("cell", name="favorable avec réserves")).to_have_count(1)
    expect(page.get_by_text("Échanges entre instructeurs")).to_have_count(0)
    screenshot("instruction-06-cpts-reads-the-avis")
    for _who, code, _overall in AVIS:
        page.goto(f"{live_server.url}{PIC}/instruction/avis/{code}/")
        expect(page.get_by_text(f"Motivation de l'avis {code}.")).to_be_visible()
        expect(page.get_by_role("button", name="Rendre l'avis")).to_have_count(0)


def screenshot_reviewer(tab, name):
    """The reviewer's page is another browser context's: saved the same way as `screenshot`."""
    if SCREENSHOTS:
        tab.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True, caret="initial")
