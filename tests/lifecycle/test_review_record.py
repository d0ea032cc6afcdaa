"""Issue 15: the review as a record — the avis locked by the decision, and who reads what."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lifecycle import transitions as lifecycle
from projects.deadlines import tacit_validation_date
from projects.models import Avis, Deposit, ReviewComment

pytestmark = pytest.mark.django_db

SLUG = "uzege-pont-du-gard"
ANSWERS = {
    f"{key}_{part}": value
    for key in ("missions", "diagnostic", "declinaison", "prs", "territoire")
    for part, value in (("judgement", "SATISFAISANT"), ("comment", "RAS"))
}
CLOSED = "La décision est prise sur ce dépôt"


def _avis_url(body):
    return reverse("lifecycle:avis-detail", args=[SLUG, body])


def _render_dd_ars_avis(demo, login):
    """Camille renders the DD ARS avis and writes an internal message, before the decision."""
    client = login(demo["users"]["camille.dupuis"])
    avis = Avis.objects.get(deposit__project__slug=SLUG, body="ARS_DD")
    client.post(
        _avis_url("ARS_DD"),
        {
            **ANSWERS,
            "overall": "FAVORABLE",
            "motivation": "Projet solide.",
            "version": avis.version,
            "operation": "submit",
        },
    )
    client.post(
        reverse("lifecycle:review-detail", args=[SLUG]), {"text": "Message interne du service."}
    )
    avis.refresh_from_db()
    assert avis.is_submitted and avis.overall == "FAVORABLE"
    return avis


def _validate(demo):
    lifecycle.apply(
        project=demo["projects"][SLUG],
        action="validate",
        by=demo["users"]["laurent.bonnet"],
        confirm_missing_avis=True,
    )


def _every_change_is_refused(demo, login):
    """Every way of changing an avis or the exchanges, through the views: refused with a French
    message, nothing changed, and the buttons gone."""
    dd_ars = Avis.objects.get(deposit__project__slug=SLUG, body="ARS_DD")
    urps = Avis.objects.get(deposit__project__slug=SLUG, body="URPS")
    before = {a.pk: (a.version, a.overall, a.revision, a.submitted_at) for a in Avis.objects.all()}
    camille = login(demo["users"]["camille.dupuis"])
    attempts = [
        # Reopen the rendered DD ARS avis, then rewrite it as défavorable.
        camille.post(_avis_url("ARS_DD"), {"version": dd_ars.version, "operation": "reopen"}),
        camille.post(
            _avis_url("ARS_DD"),
            {
                **ANSWERS,
                "overall": "DEFAVORABLE",
                "motivation": "Réécrit après la décision.",
                "version": dd_ars.version,
                "operation": "submit",
            },
        ),
        camille.post(
            reverse("lifecycle:review-detail", args=[SLUG]), {"text": "Après la décision."}
        ),
    ]
    pierre = login(demo["users"]["pierre.blanc"])
    attempts += [
        pierre.post(_avis_url("URPS"), {"version": urps.version, "operation": "reopen"}),
    ]
    laurent = login(demo["users"]["laurent.bonnet"])  # the decider, of the DD ARS as well
    attempts += [
        laurent.post(
            _avis_url("ARS_DD"),
            {"motivation": "x", "version": dd_ars.version, "operation": "save"},
        ),
    ]
    assert [r.status_code for r in attempts] == [409] * len(attempts)
    for response in attempts:
        assert CLOSED in response.content.decode().replace("&#x27;", "'")
    after = {a.pk: (a.version, a.overall, a.revision, a.submitted_at) for a in Avis.objects.all()}
    assert after == before
    assert not ReviewComment.objects.filter(text="Après la décision.").exists()
    # The typed text is shown back, not lost.
    assert "Réécrit après la décision." in attempts[1].content.decode()
    # No button left to press.
    page = camille.get(_avis_url("ARS_DD")).content.decode()
    assert "Modifier l&#x27;avis rendu" not in page and "Avis figé" in page
    review = camille.get(reverse("lifecycle:review-detail", args=[SLUG])).content.decode()
    assert "les échanges sont clos" in review and 'name="text"' not in review


def test_after_a_decision_every_way_of_changing_an_avis_is_refused(demo, login):
    _render_dd_ars_avis(demo, login)
    _validate(demo)

    _every_change_is_refused(demo, login)


def test_after_a_tacit_validation_every_way_of_changing_an_avis_is_refused(demo, login):
    _render_dd_ars_avis(demo, login)
    deposit = Deposit.objects.get(project__slug=SLUG)
    after = tacit_validation_date(deposit.clock_start_date)

    # No daily task has run: the tacit validation is derived from the clock.
    with time_machine.travel(dt.datetime.combine(after, dt.time(9)).astimezone(), tick=False):
        _every_change_is_refused(demo, login)


def test_after_a_decision_a_draft_avis_has_no_button_and_is_not_saved(demo, login):
    _validate(demo)
    client = login(demo["users"]["camille.dupuis"])
    avis = Avis.objects.get(deposit__project__slug=SLUG, body="ARS_DD")

    page = client.get(_avis_url("ARS_DD")).content.decode()
    response = client.post(
        _avis_url("ARS_DD"), {"motivation": "Brouillon tardif", "version": avis.version}
    )

    assert "Rendre l&#x27;avis" not in page and "Enregistrer le brouillon" not in page
    assert response.status_code == 409
    avis.refresh_from_db()
    assert avis.motivation == "" and not avis.is_submitted


def test_before_the_decision_a_rendered_avis_may_be_reopened_and_resubmitted(demo, login):
    avis = _render_dd_ars_avis(demo, login)
    client = login(demo["users"]["camille.dupuis"])

    client.post(_avis_url("ARS_DD"), {"version": avis.version, "operation": "reopen"})
    avis.refresh_from_db()
    client.post(
        _avis_url("ARS_DD"),
        {
            **ANSWERS,
            "overall": "RESERVES",
            "motivation": "Avec réserves.",
            "version": avis.version,
            "operation": "submit",
        },
    )

    avis.refresh_from_db()
    assert avis.revision == 2 and avis.is_submitted and avis.overall == "RESERVES"
    assert {h.overall for h in avis.history.all() if h.submitted_at} == {"FAVORABLE", "RESERVES"}


def test_the_cpts_reads_the_rendered_avis_from_the_decision_never_the_exchanges(demo, login):
    _render_dd_ars_avis(demo, login)
    cpts = login(demo["users"]["thomas.lefevre"])
    assert cpts.get(_avis_url("ARS_DD")).status_code == 404  # before the decision

    _validate(demo)

    review = cpts.get(reverse("lifecycle:review-detail", args=[SLUG])).content.decode()
    rendered = cpts.get(_avis_url("ARS_DD")).content.decode()
    pending = cpts.get(_avis_url("CPAM")).content.decode()
    assert "Projet solide." in rendered
    assert "Message interne du service." not in review
    assert "Échanges entre instructeurs" not in review
    assert "n'a pas rendu d'avis" in pending


def test_the_cpts_reads_the_avis_once_the_project_is_reputed_validated(demo, login):
    _render_dd_ars_avis(demo, login)
    deposit = Deposit.objects.get(project__slug=SLUG)
    after = tacit_validation_date(deposit.clock_start_date)

    with time_machine.travel(dt.datetime.combine(after, dt.time(9)).astimezone(), tick=False):
        cpts = login(demo["users"]["thomas.lefevre"])
        rendered = cpts.get(_avis_url("ARS_DD"))

    assert rendered.status_code == 200 and "Projet solide." in rendered.content.decode()


def test_the_visibility_rule_is_on_the_help_page(demo, login):
    page = login(demo["users"]["thomas.lefevre"]).get("/aide/").content.decode()

    assert "Ce que lit la CPTS pendant l'instruction" in page
    assert "échanges internes" in page


# --- Reception date, missing pieces -----------------------------------------------------------


def _pdf(name="statuts.pdf", body=b"statuts"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.7\n" + body, content_type="application/pdf")


def test_a_dd_ars_reviewer_records_the_reception_date_and_the_clock_follows(demo, login):
    deposit = Deposit.objects.get(project__slug=SLUG)
    received = deposit.received_date + dt.timedelta(days=3)
    client = login(demo["users"]["camille.dupuis"])
    url = reverse("lifecycle:reception-date", args=[SLUG])

    future = client.post(url, {"received_date": "31/12/2099"})
    unreadable = client.post(url, {"received_date": "demain"})
    client.post(url, {"received_date": received.strftime("%d/%m/%Y")})

    assert future.status_code == 422 and "dans le futur" in future.content.decode()
    assert unreadable.status_code == 422 and "JJ/MM/AAAA" in unreadable.content.decode()
    deposit.refresh_from_db()
    assert deposit.received_date == deposit.clock_start_date == received
    event = deposit.project.events.get(action="record_reception")
    assert received.strftime("%d/%m/%Y") in event.label
    assert event.actor == demo["users"]["camille.dupuis"]
    page = login(demo["users"]["thomas.lefevre"]).get(f"/projets/{SLUG}/").content.decode()
    assert f"reçu par l'ARS le {received:%d/%m/%Y}" in page.replace("&#x27;", "'")


def test_only_the_dd_ars_records_the_reception_date_and_never_after_the_decision(demo, login):
    deposit = Deposit.objects.get(project__slug=SLUG)
    url = reverse("lifecycle:reception-date", args=[SLUG])
    day = deposit.received_date.strftime("%d/%m/%Y")

    urps = login(demo["users"]["pierre.blanc"]).post(url, {"received_date": day})
    _validate(demo)
    late = login(demo["users"]["camille.dupuis"]).post(url, {"received_date": day})

    assert urps.status_code == 403
    assert late.status_code == 409 and "La décision est prise" in late.content.decode()
    assert Deposit.objects.get(pk=deposit.pk).received_date == deposit.received_date


def test_missing_pieces_are_requested_answered_with_attachments_and_restart_the_clock(
    demo, login, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects.models import MissingPiecesRequest

    deposit = Deposit.objects.get(project__slug=SLUG)
    first_reception = deposit.received_date
    reviewer = login(demo["users"]["camille.dupuis"])
    reviewer.post(
        reverse("lifecycle:project-transition", args=[SLUG]),
        {"action": "declare_incomplete", "comment": "- statuts signés\n- règlement intérieur"},
    )
    cpts = login(demo["users"]["thomas.lefevre"])
    page = cpts.get(f"/projets/{SLUG}/").content.decode()
    assert "règlement intérieur" in page and 'name="files"' in page
    url = reverse("lifecycle:project-transition", args=[SLUG])

    without = cpts.post(url, {"action": "complete"}, follow=True)

    fake = cpts.post(
        url,
        {"action": "complete", "files": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")]},
        follow=True,
    )
    later = timezone.localdate() + dt.timedelta(days=12)
    with time_machine.travel(dt.datetime.combine(later, dt.time(10)).astimezone(), tick=False):
        cpts = login(demo["users"]["thomas.lefevre"])
        with django_capture_on_commit_callbacks(execute=True):
            cpts.post(
                url,
                {
                    "action": "complete",
                    "comment": "Voici les pièces.",
                    "files": [_pdf("statuts.pdf"), _pdf("reglement.pdf", b"reglement")],
                },
            )

    assert "Joignez au moins une des pièces" in without.content.decode()
    assert "virus.pdf" in fake.content.decode()
    deposit.refresh_from_db()
    assert deposit.received_date == first_reception  # both dates on record
    assert deposit.clock_start_date == later and not deposit.is_incomplete
    request = MissingPiecesRequest.objects.get(deposit=deposit)
    assert request.received_date == later and request.answer == "Voici les pièces."
    assert sorted(f.original_name for f in request.files.all()) == ["reglement.pdf", "statuts.pdf"]
    assert all(len(f.sha256) == 64 for f in request.files.all())
    received_mail = [m for m in mail.outbox if "Pièces manquantes reçues" in m.subject]
    assert received_mail and "camille.dupuis@demo.cpts-portal.fr" in received_mail[0].to
    review = login(demo["users"]["camille.dupuis"]).get(
        reverse("lifecycle:review-detail", args=[SLUG])
    )
    content = review.content.decode()
    assert "statuts.pdf" in content and f"Reçues le {later:%d/%m/%Y}" in content
    piece = request.files.get(original_name="statuts.pdf")
    download = login(demo["users"]["camille.dupuis"]).get(
        reverse("lifecycle:missing-piece-file", args=[SLUG, piece.pk])
    )
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
