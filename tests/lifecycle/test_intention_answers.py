"""Issue 15: the intention letter — labels not codes, one answer per body, "validée" only
when both validated, the answers on the project page and in a letter-like PDF."""

import pytest
from django.core import mail
from django.urls import reverse

from lifecycle import document_data
from lifecycle import transitions as lifecycle
from projects.models import IntentionLetter

from .test_lifecycle import LETTER_FIELDS, _act

pytestmark = pytest.mark.django_db

SLUG = "lodevois-larzac"


def _submitted(demo):
    project = demo["projects"][SLUG]
    nadia = demo["users"]["nadia.mercier"]
    lifecycle.apply(project=project, action="start_intention", by=nadia)
    IntentionLetter.objects.filter(project=project).update(**LETTER_FIELDS)
    lifecycle.apply(project=project, action="submit_intention", by=nadia)
    return project


def test_after_the_first_answer_the_letter_is_not_said_validated(
    demo, login, django_capture_on_commit_callbacks
):
    _submitted(demo)
    reviewer = login(demo["users"]["isabelle.moreau"])

    with django_capture_on_commit_callbacks(execute=True):
        answered = _act(reviewer, SLUG, "validate_intention", comment="Associer l'hôpital local.")

    content = answered.content.decode()
    assert "avis favorable de la DD ARS, en attente de la réponse de la CPAM" in content
    assert "dd ars" not in content and "Lettre d&#x27;intention validée" not in content
    assert "validée" not in mail.outbox[-1].subject
    assert "DD ARS" in mail.outbox[-1].subject
    # Its buttons are gone; the CPAM's are still there.
    assert "validate_intention" not in content
    cpam_page = login(demo["users"]["marie.chevalier"]).get(f"/projets/{SLUG}/").content.decode()
    assert 'value="validate_intention"' in cpam_page
    cpts = login(demo["users"]["nadia.mercier"])
    page = cpts.get(f"/projets/{SLUG}/").content.decode()
    letter = cpts.get(reverse("lifecycle:intention-letter", args=[SLUG])).content.decode()
    assert "ARS_DD" not in page and "ARS_DD" not in letter
    assert "<strong>DD ARS</strong>" in page and "<strong>DD ARS</strong>" in letter
    assert "Associer l&#x27;hôpital local." in page
    assert "En attente</span> de la réponse de la CPAM" in page


def test_a_body_cannot_answer_twice(demo, login):
    _submitted(demo)
    reviewer = login(demo["users"]["isabelle.moreau"])
    _act(reviewer, SLUG, "validate_intention")

    again = _act(reviewer, SLUG, "rework_intention", comment="Finalement non.")

    assert "Votre organisme a déjà répondu à cet envoi." in again.content.decode()
    assert IntentionLetter.objects.get(project__slug=SLUG).answers.count() == 1


def test_validated_when_both_bodies_validated_with_answers_in_the_letter(demo, login):
    project = _submitted(demo)
    _act(login(demo["users"]["isabelle.moreau"]), SLUG, "validate_intention", comment="Vigilance A")
    done = _act(login(demo["users"]["marie.chevalier"]), SLUG, "validate_intention")

    assert "Lettre d&#x27;intention validée par la DD ARS et la CPAM" in done.content.decode()
    page = login(demo["users"]["nadia.mercier"]).get(f"/projets/{SLUG}/").content.decode()
    assert "Validée</span> par la DD ARS et par la CPAM" in page
    from django.template.loader import render_to_string

    html = render_to_string(
        "documents/intention_letter.html",
        {"project": project, **document_data.intention_letter(project)},
    )
    assert "Objet : lettre d&#x27;intention" in html or "Objet : lettre d'intention" in html
    assert "délégué départemental de l&#x27;Agence régionale de santé" in html or (
        "délégué départemental de l'Agence régionale de santé" in html
    )
    assert "DD ARS : validée" in html and "CPAM : validée" in html
    assert "Vigilance A" in html and "est <strong>validée</strong>" in html


def test_each_demo_letter_describes_its_own_cpts(demo):
    uzege = IntentionLetter.objects.get(project__slug="uzege-pont-du-gard")
    pic = IntentionLetter.objects.get(project__slug="pic-saint-loup")

    assert "Uzès" in uzege.territory and "Pic Saint-Loup" not in uzege.territory
    assert "Pic Saint-Loup" not in uzege.actors + uzege.diagnostic
    assert "Pic Saint-Loup" in pic.territory
