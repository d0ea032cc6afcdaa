"""Issue 15, item 7: the formal acts of the review — acknowledgement of receipt, request for
missing pieces, decision letter, attestation of tacit validation — each a PDF kept with its
hash in the project's documents, and announced by e-mail to the CPTS and the CPAM."""

import datetime as dt
import io
from collections import Counter

import pypdf
import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from lifecycle import documents
from lifecycle import transitions as lifecycle
from lifecycle.tasks import review_daily_task
from projects.deadlines import deposit_clock
from projects.models import Deposit, Document, Project

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"  # Hérault: the CPAM de l'Hérault reviews it
UZEGE = "uzege-pont-du-gard"  # Gard: deposited, no CPAM reviewer in scope in the demo
PIC_TEAM = {"claire.martin", "sophie.garnier"}  # coordinator and bureau
CPAM = "marie.chevalier"


def _text(client, slug, document) -> str:
    response = client.get(reverse("lifecycle:document-download", args=[slug, document.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # the test client closes it (not again)
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def _act(slug, kind) -> Document:
    return Document.objects.filter(project__slug=slug, kind=kind).order_by("-pk").first()


def _mail_of(kind_label: str):
    sent = [m for m in mail.outbox if kind_label in m.subject]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    return sent[0]


def _people(message) -> set[str]:
    return {address.split("@")[0] for address in message.to}


def _download_status(client, slug, document) -> int:
    response = client.get(reverse("lifecycle:document-download", args=[slug, document.pk]))
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


@pytest.fixture
def ready(demo, monkeypatch):
    """Pic Saint-Loup in redaction, nothing missing (the checks have their own tests)."""
    monkeypatch.setattr(lifecycle, "DEPOSIT_CHECKS", [])
    Project.objects.filter(slug=PIC).update(state="REDACTION", stage="REDACTION")
    return demo


def _transition(client, slug, **data):
    return client.post(reverse("lifecycle:project-transition", args=[slug]), data, follow=True)


def test_the_deposit_produces_the_acknowledgement_of_receipt_sent_to_the_cpts_and_the_cpam(
    ready, login, django_capture_on_commit_callbacks
):
    claire = login(ready["users"]["claire.martin"])
    with django_capture_on_commit_callbacks(execute=True):
        _transition(claire, PIC, action="deposit", confirm_deposit="on")

    deposit = Deposit.objects.get(project__slug=PIC)
    clock = deposit_clock(deposit)
    ack = _act(PIC, "ACK_RECEIPT")
    assert ack.status == "DONE" and len(ack.file_hash) == 64 and ack.deposit == deposit
    text = _text(claire, PIC, ack)
    assert "Accusé de réception" in text or "accusé de réception" in text
    assert "CPTS du Pic Saint-Loup" in text and "Association" in text
    assert f"reçu par l'Agence régionale de santé le {clock.received:%d/%m/%Y}" in text
    assert f"réputé validé à compter du {clock.tacit:%d/%m/%Y}" in text
    assert f"{clock.deadline:%d/%m/%Y}" in text
    assert "Délégation départementale — Hérault (34)" in text
    # Listed with its hash; announced to the coordinator, the bureau and the CPAM.
    listing = claire.get(reverse("lifecycle:document-list", args=[PIC])).content.decode()
    assert "Accusé de réception du projet de santé" in listing and ack.file_hash in listing
    message = _mail_of("Accusé de réception")
    assert _people(message) == PIC_TEAM | {CPAM}
    assert f"/projets/{PIC}/documents/{ack.pk}/" in message.body
    assert f"daté du {timezone.localdate():%d/%m/%Y}" in message.body
    # Who reads it: the CPTS, the CPAM in scope; another CPTS, nothing (404).
    assert _download_status(login(ready["users"][CPAM]), PIC, ack) == 200
    assert _download_status(login(ready["users"]["isabelle.moreau"]), PIC, ack) == 200
    assert _download_status(login(ready["users"]["thomas.lefevre"]), PIC, ack) == 404
    other = login(ready["users"]["lucie.bernard"])
    detail = reverse("lifecycle:document-detail", args=[PIC, ack.pk])
    assert other.get(detail).status_code == 404


def test_missing_pieces_then_their_reception_then_the_opposition_each_produce_their_act(
    ready, login, django_capture_on_commit_callbacks
):
    claire = login(ready["users"]["claire.martin"])
    with django_capture_on_commit_callbacks(execute=True):
        _transition(claire, PIC, action="deposit", confirm_deposit="on")
        _transition(
            login(ready["users"]["isabelle.moreau"]),
            PIC,
            action="declare_incomplete",
            comment="- statuts signés\n- règlement intérieur",
        )

    request = _act(PIC, "MISSING_PIECES")
    text = _text(login(ready["users"]["claire.martin"]), PIC, request)
    assert "statuts signés" in text and "règlement intérieur" in text
    assert "est suspendu" in text and "repartira en entier" in text
    assert _people(_mail_of("Demande de pièces manquantes")) == PIC_TEAM | {CPAM}

    later = timezone.localdate() + dt.timedelta(days=10)
    with time_machine.travel(dt.datetime.combine(later, dt.time(10)).astimezone(), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            _transition(
                login(ready["users"]["claire.martin"]),
                PIC,
                action="complete",
                files=[SimpleUploadedFile("statuts.pdf", b"%PDF-1.7\nstatuts")],
            )
            _transition(
                login(ready["users"]["philippe.girard"]),
                PIC,
                action="oppose",
                ground_territory="on",
                confirm_missing_avis="on",
                comment="Le territoire recouvre celui d'une CPTS existante.",
            )
        clock = deposit_clock(Deposit.objects.get(project__slug=PIC))

        # A new acknowledgement: the clock starts again in full on the day of the pieces.
        acks = Document.objects.filter(project__slug=PIC, kind="ACK_RECEIPT").order_by("pk")
        assert acks.count() == 2
        claire = login(ready["users"]["claire.martin"])
        second = _text(claire, PIC, acks[1])
        assert (
            f"pièces manquantes qui vous avaient été demandées ont été reçues le {later:%d/%m/%Y}"
            in second
        )
        assert f"réputé validé à compter du {clock.tacit:%d/%m/%Y}" in second

        letter = _act(PIC, "DECISION_LETTER")
        text = _text(claire, PIC, letter)
    assert letter.status == "DONE" and len(letter.file_hash) == 64
    assert "opposition au projet de santé" in text
    assert f"par décision du {later:%d/%m/%Y}" in text
    assert "Territoire non pertinent" in text
    assert "Le territoire recouvre celui d'une CPTS existante." in text
    assert "Voies et délais de recours" in text and "deux mois à compter de sa notification" in text
    assert "recours gracieux auprès du directeur général de l'Agence régionale de santé" in text
    assert "recours hiérarchique auprès du ministre chargé de la santé" in text
    assert "tribunal administratif" in text
    assert _people(_mail_of("Lettre de décision")) == PIC_TEAM | {CPAM}


def _validate_uzege(demo, login, capture, comment=""):
    """The DD ARS decider validates the Uzège project (without every avis), its e-mails sent."""
    with capture(execute=True):
        _transition(
            login(demo["users"]["laurent.bonnet"]),
            UZEGE,
            action="validate",
            confirm_missing_avis="on",
            comment=comment,
        )


def test_the_validation_letter_goes_to_the_cpts_with_the_routes_of_appeal(
    demo, login, django_capture_on_commit_callbacks
):
    _validate_uzege(
        demo,
        login,
        django_capture_on_commit_callbacks,
        comment="Suivre la montée en charge des soins non programmés.",
    )

    letter = _act(UZEGE, "DECISION_LETTER")
    text = _text(login(demo["users"]["thomas.lefevre"]), UZEGE, letter)
    assert "votre projet de santé est validé" in text
    assert f"par décision du {timezone.localdate():%d/%m/%Y}" in text
    assert "Suivre la montée en charge des soins non programmés." in text
    assert "Délégation départementale — Gard (30)" in text
    assert "Voies et délais de recours" in text
    # No CPAM reviewer covers the Gard in the demo: the CPTS's coordinator and bureau.
    assert _people(_mail_of("Lettre de décision")) == {"thomas.lefevre", "henri.vidal"}
    assert _download_status(login(demo["users"]["claire.martin"]), UZEGE, letter) == 404


def test_a_corrected_reception_date_gives_a_new_acknowledgement_printed_deterministically(
    demo, login, django_capture_on_commit_callbacks
):
    deposit = Deposit.objects.get(project__slug=UZEGE)
    received = deposit.received_date + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        login(demo["users"]["camille.dupuis"]).post(
            reverse("lifecycle:reception-date", args=[UZEGE]),
            {"received_date": received.strftime("%d/%m/%Y")},
        )

    ack = _act(UZEGE, "ACK_RECEIPT")
    clock = deposit_clock(Deposit.objects.get(pk=deposit.pk))
    text = _text(login(demo["users"]["thomas.lefevre"]), UZEGE, ack)
    assert f"le {received:%d/%m/%Y}" in text
    assert f"réputé validé à compter du {clock.tacit:%d/%m/%Y}" in text
    assert _people(_mail_of("Accusé de réception")) == {"thomas.lefevre", "henri.vidal"}
    # The same act rendered again, a week later, is the same HTML (no clock, no counter).
    with time_machine.travel(timezone.now() + dt.timedelta(days=7)):
        again = documents.render_html(ack.project, ack.kind, ack.params)
    assert again == ack.source_html


def test_the_daily_task_records_the_tacit_validation_with_its_attestation(
    demo, login, django_capture_on_commit_callbacks
):
    clock = deposit_clock(Deposit.objects.get(project__slug=UZEGE))
    with time_machine.travel(dt.datetime.combine(clock.tacit, dt.time(6)).astimezone()):
        with django_capture_on_commit_callbacks(execute=True):
            review_daily_task()
        with django_capture_on_commit_callbacks(execute=True):
            review_daily_task()  # run twice: one attestation

    attestations = Document.objects.filter(project__slug=UZEGE, kind="TACIT_ATTESTATION")
    assert attestations.count() == 1
    text = _text(login(demo["users"]["thomas.lefevre"]), UZEGE, attestations[0])
    assert f"réputé validé à compter du {clock.tacit:%d/%m/%Y}" in text
    assert f"expiré le {clock.deadline:%d/%m/%Y}" in text
    assert _people(_mail_of("Attestation de validation tacite")) == {
        "thomas.lefevre",
        "henri.vidal",
    }


def _per_person() -> Counter:
    return Counter(address.split("@")[0] for message in mail.outbox for address in message.to)


def test_a_decision_e_mails_each_person_once_with_its_letter(
    demo, login, django_capture_on_commit_callbacks
):
    _validate_uzege(demo, login, django_capture_on_commit_callbacks)

    assert _per_person() == {"thomas.lefevre": 1, "henri.vidal": 1}
    assert "Lettre de décision" in mail.outbox[0].subject
    letter = _act(UZEGE, "DECISION_LETTER")
    assert f"/projets/{UZEGE}/documents/{letter.pk}/" in mail.outbox[0].body


def test_a_letter_of_the_first_of_a_month_is_dated_1er(
    demo, login, django_capture_on_commit_callbacks
):
    received = Deposit.objects.get(project__slug=UZEGE).received_date
    first_of_month = (received.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    with time_machine.travel(dt.datetime.combine(first_of_month, dt.time(10)).astimezone()):
        _validate_uzege(demo, login, django_capture_on_commit_callbacks)

    letter = _act(UZEGE, "DECISION_LETTER")
    text = _text(login(demo["users"]["thomas.lefevre"]), UZEGE, letter)
    month_year = date_format(first_of_month, "F Y")
    assert f"Le 1er {month_year}" in text and f"Le 1 {month_year}" not in text


def test_the_deposit_and_a_corrected_reception_e_mail_each_person_once(
    ready, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _transition(
            login(ready["users"]["claire.martin"]), PIC, action="deposit", confirm_deposit="on"
        )
    deposit_mail = _per_person()
    mail.outbox.clear()
    received = Deposit.objects.get(project__slug=PIC).received_date - dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        login(ready["users"]["isabelle.moreau"]).post(
            reverse("lifecycle:reception-date", args=[PIC]),
            {"received_date": received.strftime("%d/%m/%Y")},
        )

    # The CPAM gets the acknowledgement of receipt, not also the deposit's event e-mail; the
    # DD ARS, who gets no act, keeps the event's.
    assert deposit_mail[CPAM] == 1 and deposit_mail["isabelle.moreau"] == 1
    assert max(deposit_mail.values()) == 1
    assert _per_person() == {name: 1 for name in PIC_TEAM | {CPAM}}
    assert all("Accusé de réception" in message.subject for message in mail.outbox)
