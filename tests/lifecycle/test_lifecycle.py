import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lifecycle import transitions as lifecycle
from lifecycle.tasks import review_daily_task
from projects.models import (
    Avis,
    Decision,
    Deposit,
    Document,
    IntentionLetter,
    Project,
    ProjectEvent,
)

pytestmark = pytest.mark.django_db

LETTER_FIELDS = {
    "porteur": "Association CPTS Lodévois et Larzac",
    "territory": "Les communes du Lodévois et Larzac",
    "diagnostic": "Un territoire rural, des médecins partant à la retraite.",
    "actors": "- 20 professionnels libéraux\n- hôpital local de Lodève",
    "coordination": "",
    "missions": "Les missions socles.",
    "calendar": "Projet de santé en 2027.",
    "engineering_budget": "25000",
}


def _act(client, slug, action, **data):
    return client.post(
        reverse("lifecycle:project-transition", args=[slug]),
        {"action": action, **data},
        follow=True,
    )


def _state(slug):
    return Project.objects.get(slug=slug).state


def _events(slug):
    return list(
        ProjectEvent.objects.filter(project__slug=slug)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )


def test_intention_letter_from_start_to_validation_by_the_dd_ars_and_the_cpam(
    demo, login, client, django_capture_on_commit_callbacks
):
    login(demo["users"]["nadia.mercier"])
    _act(client, "lodevois-larzac", "start_intention")
    letter = IntentionLetter.objects.get(project__slug="lodevois-larzac")
    assert letter.porteur == "Association CPTS Lodévois et Larzac"  # prefilled
    refused = _act(client, "lodevois-larzac", "submit_intention")
    assert "Rubrique à remplir : diagnostic succinct." in refused.content.decode()
    assert _state("lodevois-larzac") == "INTENTION_DRAFT"
    client.post(
        reverse("lifecycle:intention-letter", args=["lodevois-larzac"]),
        {**LETTER_FIELDS, "version": letter.version},
    )

    with django_capture_on_commit_callbacks(execute=True):
        _act(client, "lodevois-larzac", "submit_intention")

    assert _state("lodevois-larzac") == "INTENTION_SUBMITTED"
    assert Project.objects.get(slug="lodevois-larzac").submitted_at is not None
    notified = set(mail.outbox[-1].to)
    assert notified == {
        "isabelle.moreau@demo.cpts-portal.fr",
        "philippe.girard@demo.cpts-portal.fr",
        "marie.chevalier@demo.cpts-portal.fr",
    }
    assert "Lettre d'intention transmise" in mail.outbox[-1].subject
    reviewer = login(demo["users"]["isabelle.moreau"])
    assert reviewer.get("/projets/lodevois-larzac/").status_code == 200
    _act(reviewer, "lodevois-larzac", "validate_intention", comment="Associer l'hôpital local.")
    assert _state("lodevois-larzac") == "INTENTION_SUBMITTED"  # the CPAM has not answered
    cpam = login(demo["users"]["marie.chevalier"])
    with django_capture_on_commit_callbacks(execute=True):
        page = _act(cpam, "lodevois-larzac", "validate_intention")
    assert _state("lodevois-larzac") == "REDACTION"
    assert Project.objects.get(slug="lodevois-larzac").stage == "REDACTION"
    assert mail.outbox[-1].to == ["nadia.mercier@demo.cpts-portal.fr"]
    assert "Lettre d&#x27;intention validée" in page.content.decode()
    assert _events("lodevois-larzac") == [
        "start_intention",
        "submit_intention",
        "validate_intention",
        "validate_intention",
    ]


def test_a_letter_to_rework_needs_a_comment_and_goes_back_to_the_cpts(demo, login, client):
    project = demo["projects"]["lodevois-larzac"]
    nadia = demo["users"]["nadia.mercier"]
    lifecycle.apply(project=project, action="start_intention", by=nadia)
    IntentionLetter.objects.filter(project=project).update(**{**LETTER_FIELDS, "coordination": ""})
    lifecycle.apply(project=project, action="submit_intention", by=nadia)
    login(demo["users"]["marie.chevalier"])

    without = _act(client, "lodevois-larzac", "rework_intention")
    with_comment = _act(
        client, "lodevois-larzac", "rework_intention", comment="Préciser le budget."
    )

    assert "Dites ce qui est à retravailler." in without.content.decode()
    assert "Lettre d&#x27;intention à retravailler" in with_comment.content.decode()
    assert _state("lodevois-larzac") == "INTENTION_REWORK"
    lifecycle.apply(project=project, action="submit_intention", by=nadia)
    assert IntentionLetter.objects.get(project=project).round == 2


def test_a_forbidden_action_writes_nothing(demo, login, client):
    login(demo["users"]["julien.roux"])  # a pilot may not deposit
    events = ProjectEvent.objects.count()

    response = _act(client, "pic-saint-loup", "deposit")

    assert response.status_code == 403
    assert ProjectEvent.objects.count() == events
    assert _state("pic-saint-loup") == "REDACTION"


def test_an_action_of_another_stage_is_refused(demo):
    with pytest.raises(lifecycle.TransitionError) as error:
        lifecycle.apply(
            project=demo["projects"]["pic-saint-loup"],
            action="validate",
            by=demo["users"]["philippe.girard"],
        )

    assert error.value.reasons == ["Cette action n'est pas possible à cette étape du projet."]


def test_deposit_lists_what_is_missing(demo, login):
    client = login(demo["users"]["nadia.mercier"])
    project = demo["projects"]["lodevois-larzac"]
    Project.objects.filter(pk=project.pk).update(state="REDACTION", stage="REDACTION")

    response = _act(client, "lodevois-larzac", "deposit")

    assert _state("lodevois-larzac") == "REDACTION"
    messages = [str(m) for m in response.context["messages"]]
    assert messages == lifecycle.deposit_gaps(project)
    assert len(messages) >= 4
    assert not Deposit.objects.filter(project=project).exists()


def test_the_decider_validates_after_confirming_the_missing_avis(
    demo, login, client, django_capture_on_commit_callbacks
):
    login(demo["users"]["laurent.bonnet"])

    unconfirmed = _act(client, "uzege-pont-du-gard", "validate")
    with django_capture_on_commit_callbacks(execute=True):
        _act(
            client,
            "uzege-pont-du-gard",
            "validate",
            comment="Suivre le recrutement.",
            confirm_missing_avis="on",
        )

    assert "Des avis manquent encore (DD ARS, CPAM, ELSM, MSA)" in unconfirmed.content.decode()
    assert _state("uzege-pont-du-gard") == "VALIDATED"
    decision = Decision.objects.get(deposit__project__slug="uzege-pont-du-gard")
    assert decision.kind == "VALIDATION" and decision.vigilance == "Suivre le recrutement."
    assert set(mail.outbox[-1].to) == {
        "thomas.lefevre@demo.cpts-portal.fr",
        "henri.vidal@demo.cpts-portal.fr",
    }
    cpts = login(demo["users"]["thomas.lefevre"])
    page = cpts.get("/projets/uzege-pont-du-gard/").content.decode()
    assert "Suivre le recrutement." in page
    assert (
        cpts.get(reverse("lifecycle:review-detail", args=["uzege-pont-du-gard"])).status_code == 200
    )


def test_an_opposition_needs_a_legal_ground_and_a_motivation(demo, login, client):
    login(demo["users"]["laurent.bonnet"])

    refused = _act(client, "uzege-pont-du-gard", "oppose", confirm_missing_avis="on")
    _act(
        client,
        "uzege-pont-du-gard",
        "oppose",
        confirm_missing_avis="on",
        ground_territory="on",
        comment="Le territoire exclut la moitié du bassin de vie d'Uzès.",
    )

    content = refused.content.decode()
    assert "l&#x27;un des deux motifs légaux" in content and "Motivez l&#x27;opposition." in content
    assert _state("uzege-pont-du-gard") == "OPPOSED"
    assert Decision.objects.get(deposit__project__slug="uzege-pont-du-gard").ground_territory


def test_a_reviewer_who_is_not_the_decider_cannot_decide(demo, login, client):
    login(demo["users"]["camille.dupuis"])

    response = _act(client, "uzege-pont-du-gard", "validate", confirm_missing_avis="on")

    assert response.status_code == 403
    assert not Decision.objects.filter(deposit__project__slug="uzege-pont-du-gard").exists()


def test_the_project_is_reputed_validated_after_the_deadline_without_the_daily_task(demo, login):
    deposit = Deposit.objects.get(project__slug="uzege-pont-du-gard")
    after = lifecycle.deadlines.tacit_validation_date(deposit.clock_start_date)
    with time_machine.travel(dt.datetime.combine(after, dt.time(9)).astimezone(), tick=False):
        client = login(demo["users"]["thomas.lefevre"])  # a session opened today
        page = client.get("/projets/uzege-pont-du-gard/").content.decode()
        late = lifecycle.TransitionError
        with pytest.raises(late):
            lifecycle.apply(
                project=demo["projects"]["uzege-pont-du-gard"],
                action="oppose",
                by=demo["users"]["laurent.bonnet"],
                comment="Trop tard",
                ground_prs=True,
                confirm_missing_avis=True,
            )

    assert "Projet de santé réputé validé" in page
    assert _state("uzege-pont-du-gard") == "DEPOSITED"  # nothing recorded yet: derived
    assert not Decision.objects.filter(deposit__project__slug="uzege-pont-du-gard").exists()


def test_the_daily_task_records_the_tacit_validation_once(demo, django_capture_on_commit_callbacks):
    deposit = Deposit.objects.get(project__slug="uzege-pont-du-gard")
    after = lifecycle.deadlines.tacit_validation_date(deposit.clock_start_date)

    with time_machine.travel(dt.datetime.combine(after, dt.time(7)).astimezone(), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = review_daily_task.apply().get()
        second = review_daily_task.apply().get()

    assert first["tacit_validations"] == 1 and second["tacit_validations"] == 0
    assert _state("uzege-pont-du-gard") == "TACITLY_VALIDATED"
    assert _events("uzege-pont-du-gard").count("record_tacit_validation") == 1
    # The CPTS hears of it once, by its act (the attestation), not also by the event's e-mail.
    assert [m.subject for m in mail.outbox if "réputé validé" in m.subject] == []
    assert any("Attestation de validation tacite" in m.subject for m in mail.outbox)


@pytest.mark.parametrize("days_left", [15, 7])
def test_reviewers_get_one_reminder_15_and_7_days_before_the_deadline(
    demo, django_capture_on_commit_callbacks, days_left
):
    deposit = Deposit.objects.get(project__slug="uzege-pont-du-gard")
    day = lifecycle.deadlines.opposition_deadline(deposit.clock_start_date) - dt.timedelta(
        days=days_left
    )

    with time_machine.travel(dt.datetime.combine(day, dt.time(7)).astimezone(), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = review_daily_task.apply().get()
        second = review_daily_task.apply().get()

    assert first["reminders"] == 1 and second["reminders"] == 0
    assert f"plus que {days_left} jours" in mail.outbox[-1].subject
    assert "camille.dupuis@demo.cpts-portal.fr" in mail.outbox[-1].to


def test_an_incomplete_file_stops_the_clock_which_restarts_in_full(demo, login, client):
    reviewer = login(demo["users"]["camille.dupuis"])
    _act(reviewer, "uzege-pont-du-gard", "declare_incomplete", comment="- statuts signés")
    assert _state("uzege-pont-du-gard") == "INCOMPLETE"
    later = timezone.localdate() + dt.timedelta(days=10)
    coordinator = login(demo["users"]["thomas.lefevre"])
    page = coordinator.get("/projets/uzege-pont-du-gard/").content.decode()
    assert "Délai suspendu" in page

    with time_machine.travel(dt.datetime.combine(later, dt.time(10)).astimezone(), tick=False):
        # Ten days later: a new session (sessions last a working day).
        coordinator = login(demo["users"]["thomas.lefevre"])
        statuts = SimpleUploadedFile("statuts.pdf", b"%PDF-1.7\nstatuts")
        _act(coordinator, "uzege-pont-du-gard", "complete", files=[statuts])

    deposit = Deposit.objects.get(project__slug="uzege-pont-du-gard")
    assert _state("uzege-pont-du-gard") == "DEPOSITED"
    assert deposit.clock_start_date == later
    assert lifecycle.deadlines.opposition_deadline(deposit.clock_start_date) > later


def test_cpts_users_get_404_on_every_review_url_before_the_decision(demo, login):
    client = login(demo["users"]["thomas.lefevre"])

    urls = [reverse("lifecycle:review-detail", args=["uzege-pont-du-gard"])] + [
        reverse("lifecycle:avis-detail", args=["uzege-pont-du-gard", body])
        for body in ("ARS_DD", "URPS", "CPAM", "ELSM", "MSA")
    ]

    assert [client.get(url).status_code for url in urls] == [404] * 6


def test_an_avis_is_filled_rendered_locked_and_reopened_with_its_old_version_kept(demo, login):
    client = login(demo["users"]["camille.dupuis"])
    url = reverse("lifecycle:avis-detail", args=["uzege-pont-du-gard", "ARS_DD"])
    avis = Avis.objects.get(deposit__project__slug="uzege-pont-du-gard", body="ARS_DD")
    answers = {
        f"{key}_{part}": value
        for key in ("missions", "diagnostic", "declinaison", "prs", "territoire")
        for part, value in (("judgement", "SATISFAISANT"), ("comment", "RAS"))
    }

    incomplete = client.post(url, {"version": avis.version, "operation": "submit"})
    client.post(
        url,
        {
            **answers,
            "overall": "RESERVES",
            "motivation": "Bien.",
            "version": avis.version,
            "operation": "submit",
        },
    )
    avis.refresh_from_db()
    locked = client.post(
        url,
        {
            **answers,
            "overall": "FAVORABLE",
            "motivation": "x",
            "version": avis.version,
            "operation": "save",
        },
        follow=True,
    )
    client.post(url, {"version": avis.version, "operation": "reopen"})

    assert incomplete.status_code == 422
    assert "Donnez une appréciation avant de rendre l&#x27;avis." in incomplete.content.decode()
    assert "rouvrez-le pour le modifier" in locked.content.decode()
    avis.refresh_from_db()
    assert avis.revision == 2 and not avis.is_submitted and avis.overall == "RESERVES"
    rendered = [h for h in avis.history.all() if h.submitted_at is not None]
    assert rendered and rendered[0].overall == "RESERVES"


def test_an_avis_saved_on_a_stale_version_is_refused_with_409(demo, login):
    client = login(demo["users"]["camille.dupuis"])
    url = reverse("lifecycle:avis-detail", args=["uzege-pont-du-gard", "ARS_DD"])
    avis = Avis.objects.get(deposit__project__slug="uzege-pont-du-gard", body="ARS_DD")
    client.post(
        url, {"motivation": "Première version", "version": avis.version, "operation": "save"}
    )

    response = client.post(
        url, {"motivation": "Ma version", "version": avis.version, "operation": "save"}
    )

    assert response.status_code == 409
    assert "Première version" in response.content.decode()  # theirs, shown
    assert "Ma version" in response.content.decode()  # mine, kept in the form
    avis.refresh_from_db()
    assert avis.motivation == "Première version"


def test_another_body_cannot_write_the_dd_ars_avis(demo, login):
    client = login(demo["users"]["pierre.blanc"])
    avis = Avis.objects.get(deposit__project__slug="uzege-pont-du-gard", body="ARS_DD")

    response = client.post(
        reverse("lifecycle:avis-detail", args=["uzege-pont-du-gard", "ARS_DD"]),
        {"motivation": "x", "version": avis.version},
    )

    assert response.status_code == 403


def test_reviewers_discuss_internally(demo, login):
    client = login(demo["users"]["camille.dupuis"])
    url = reverse("lifecycle:review-detail", args=["uzege-pont-du-gard"])

    client.post(url, {"text": "Le budget me semble juste."})

    assert "Le budget me semble juste." in client.get(url).content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_produce_exactly_one(demo):
    import threading

    from django.db import connection

    project = Project.objects.get(slug="uzege-pont-du-gard")
    deciders = [demo["users"]["laurent.bonnet"], demo["users"]["laurent.bonnet"]]
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user, action):
        try:
            barrier.wait()
            lifecycle.apply(
                project=project,
                action=action,
                by=user,
                comment="Motif",
                confirm_missing_avis=True,
                ground_prs=True,
            )
            outcomes.append("ok")
        except lifecycle.TransitionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(deciders[0], "validate")),
        threading.Thread(target=decide, args=(deciders[1], "oppose")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused"]
    assert Decision.objects.filter(deposit__project=project).count() == 1
    assert _state("uzege-pont-du-gard") in ("VALIDATED", "OPPOSED")


def test_the_contract_is_signed_after_validation_and_sets_the_deadlines(demo, login, client):
    """The three parties sign the contract the portal prepared (lifecycle.contract); the
    third signature records it (tests/lifecycle/test_contract_signing.py for the rules)."""
    from accounts.models import Organisation
    from geo.models import Departement

    project = demo["projects"]["uzege-pont-du-gard"]
    lifecycle.apply(
        project=project,
        action="validate",
        by=demo["users"]["laurent.bonnet"],
        confirm_missing_avis=True,
    )
    Organisation.objects.get(name="CPAM de l'Hérault").departements.add(
        Departement.objects.get(code="30")
    )
    url = reverse("lifecycle:contract-sign", args=["uzege-pont-du-gard"])
    for party, signer in (
        ("CPTS", "thomas.lefevre"),
        ("CPAM", "marie.chevalier"),
        ("ARS", "camille.dupuis"),
    ):
        login(demo["users"][signer]).post(url, {"party": party})

    assert _state("uzege-pont-du-gard") == "CONTRACTED"
    assert Project.objects.get(slug="uzege-pont-du-gard").stage == "SUIVI"
    login(demo["users"]["thomas.lefevre"])
    page = client.get(reverse("lifecycle:deadlines", args=["uzege-pont-du-gard"]))
    kinds = [row["deadline"].kind for row in page.context["rows"]]
    assert kinds.count("annual_dialogue") == 5
    today = timezone.localdate()
    end = today.replace(year=today.year + 5) - dt.timedelta(days=1)
    assert ("contract_end", end) in [
        (row["deadline"].kind, row["deadline"].date) for row in page.context["rows"]
    ]


def _complete_pic_saint_loup(demo):
    """The demo's Pic Saint-Loup lacks nothing; it adds a fiche for the crisis mission
    (optional under ACI-2019), whose retained indicator has its baseline and target."""
    from missions import services as missions
    from missions.models import Indicator, Mission

    coordinator = demo["users"]["claire.martin"]
    fiche = missions.fiche_create(
        project=demo["projects"]["pic-saint-loup"],
        by=coordinator,
        mission=Mission.objects.get(code="6"),
        title="Plan de réponse aux crises sanitaires du territoire",
        objectives="Rédiger le plan de crise et le mettre à jour chaque année.",
        pilot=coordinator,
    )
    missions.row_create(
        fiche=fiche,
        model=Indicator,
        by=coordinator,
        fields={
            "name": "Plan de crise validé par l'AG",
            "kind": "RESULT",
            "baseline": 0,
            "target": 1,
            "drives_funding": True,
        },
    )
    return fiche


def test_a_complete_project_is_deposited_with_its_frozen_content_and_pdf(
    demo, login, client, django_capture_on_commit_callbacks
):
    fiche = _complete_pic_saint_loup(demo)
    assert lifecycle.deposit_gaps(demo["projects"]["pic-saint-loup"]) == []
    login(demo["users"]["sophie.garnier"])  # a bureau member deposits

    with django_capture_on_commit_callbacks(execute=True):
        _act(client, "pic-saint-loup", "deposit", confirm_deposit="on")

    deposit = Deposit.objects.get(project__slug="pic-saint-loup")
    assert _state("pic-saint-loup") == "DEPOSITED"
    assert deposit.received_date == timezone.localdate()
    assert sorted(deposit.avis.values_list("body", flat=True)) == [
        "ARS_DD",
        "CPAM",
        "ELSM",
        "MSA",
        "URPS",
    ]
    frozen = [row for row in deposit.snapshot["missions.Fiche"] if row["pk"] == fiche.pk][0]
    assert frozen["fields"]["title"] == "Plan de réponse aux crises sanitaires du territoire"
    document = Document.objects.get(deposit=deposit, kind="PROJET_DE_SANTE")
    assert document.status == "DONE" and len(document.file_hash) == 64
    with document.file.open("rb") as handle:
        deposited_bytes = handle.read()
    assert any("isabelle.moreau@demo.cpts-portal.fr" in m.to for m in mail.outbox)

    from missions.models import Fiche

    Fiche.objects.filter(pk=fiche.pk).update(title="Titre changé après le dépôt")
    deposit.refresh_from_db()
    document.refresh_from_db()
    frozen = [row for row in deposit.snapshot["missions.Fiche"] if row["pk"] == fiche.pk][0]
    assert frozen["fields"]["title"] == "Plan de réponse aux crises sanitaires du territoire"
    with document.file.open("rb") as handle:
        assert handle.read() == deposited_bytes
    reviewer = login(demo["users"]["isabelle.moreau"])
    listing = reviewer.get(reverse("lifecycle:document-list", args=["pic-saint-loup"]))
    assert "déposé (dépôt n°1)" in listing.content.decode()
