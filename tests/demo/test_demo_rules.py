"""The demo data is in states the rules allow (issue 17, item 6): every demo project past the
deposit passes every deposit check (lifecycle.transitions.DEPOSIT_CHECKS), and the demo Pic
Saint-Loup, still being written, can be deposited without a crisis-mission fiche.

Guide: "En souscrivant au contrat, les communautés professionnelles territoriales de santé
s'engagent à mettre en place les trois missions socles"; the crisis mission is "une sixième
mission susceptible d'être assurée par les CPTS [...] (conditions et détails à venir)".
"""

import pytest

from diagnostics.territory import territory_communes
from funding.budget import budget_view
from funding.models import Budget
from lifecycle.transitions import DEPOSIT_CHECKS, apply
from missions.models import Fiche
from projects.models import Project, State

pytestmark = pytest.mark.django_db

# The states before the deposit of the projet de santé; every other one comes after it.
BEFORE_DEPOSIT = {
    State.INITIATIVE,
    State.INTENTION_DRAFT,
    State.INTENTION_SUBMITTED,
    State.INTENTION_REWORK,
    State.REDACTION,
}


def _gaps(project) -> list[str]:
    return [gap for check in DEPOSIT_CHECKS for gap in check(project)]


def test_every_demo_project_past_the_deposit_passes_every_deposit_check(demo):
    past = [p for p in Project.objects.order_by("slug") if p.state not in BEFORE_DEPOSIT]

    assert {p.slug for p in past} >= {"bassin-de-thau", "uzege-pont-du-gard"}
    assert {p.slug: _gaps(p) for p in past} == {p.slug: [] for p in past}


def test_the_contracted_demo_cpts_has_its_deposit_file(demo):
    thau = Project.objects.get(slug="bassin-de-thau")

    assert thau.state == State.CONTRACTED
    assert territory_communes(thau).count() == 14
    assert thau.association.rna
    assert thau.needs.count() == 4
    assert Fiche.objects.filter(project=thau).count() == 4
    view = budget_view(Budget.objects.get(project=thau))
    assert view.funding is not None and view.funding.tier == 3
    assert view.balanced


def test_the_deposited_demo_cpts_has_a_balanced_budget(demo):
    budget = Budget.objects.get(project__slug="uzege-pont-du-gard")

    view = budget_view(budget)

    assert view.error == ""
    assert [t.gap for t in view.tables] == [0] * len(view.tables)


def test_pic_saint_loup_can_be_deposited_without_a_crisis_fiche(demo):
    pic = Project.objects.get(slug="pic-saint-loup")
    assert not Fiche.objects.filter(project=pic, mission__code="6").exists()

    assert _gaps(pic) == []
    apply(project=pic, action="deposit", by=demo["users"]["claire.martin"], confirm_deposit=True)

    pic.refresh_from_db()
    assert pic.state == State.DEPOSITED
