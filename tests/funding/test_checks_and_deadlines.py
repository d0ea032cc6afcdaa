import datetime as dt

import pytest

from demo.funding import seed
from funding import checks, deadlines
from funding.models import Budget, BudgetLine, Grant, GrantDocument

pytestmark = pytest.mark.django_db


def test_deposit_gaps_without_a_budget(demo):
    gaps = checks.deposit_gaps(demo["projects"]["lodevois-larzac"])

    assert gaps == ["Le budget prévisionnel n'est pas encore établi."]


def test_deposit_gaps_of_a_balanced_budget_is_empty(demo):
    assert checks.deposit_gaps(demo["projects"]["pic-saint-loup"]) == []


def test_deposit_gaps_name_the_unbalanced_table_and_its_gap(demo):
    line = BudgetLine.objects.get(
        budget__project__slug="uzege-pont-du-gard", label="Matériel d'ateliers et transport"
    )
    BudgetLine.objects.filter(pk=line.pk).update(amount=line.amount + 3_000)

    gaps = checks.deposit_gaps(demo["projects"]["uzege-pont-du-gard"])

    assert len(gaps) == 1
    assert "Prévention" in gaps[0] and "n'est pas équilibré" in gaps[0]
    assert "les dépenses dépassent les ressources de 3\u202f000\u00a0€" in gaps[0]


def test_a_budget_without_a_socle_mission_is_a_deposit_gap(demo):
    # Guide (FOCUS - Planifier le déploiement): "En souscrivant au contrat, les communautés
    # professionnelles territoriales de santé s'engagent à mettre en place les trois missions
    # socles". A budget funding only "qualité" misses the three of them.
    Budget.objects.filter(project__slug="pic-saint-loup").update(missions=["qualite"])

    gaps = checks.deposit_gaps(demo["projects"]["pic-saint-loup"])

    socle_gaps = [gap for gap in gaps if "mission socle" in gap]
    assert socle_gaps == [
        f"Le budget prévisionnel ne finance pas la mission socle « {label} » : le barème "
        "ACI-2019 la rend obligatoire (cochez-la dans les missions contractualisées du budget)."
        for label in (
            "Accès aux soins (missions 1a et 1b)",
            "Parcours pluriprofessionnels (mission 2)",
            "Prévention (mission 3)",
        )
    ]


def test_the_crisis_mission_is_not_required_in_the_budget_under_aci_2019(demo):
    budget = Budget.objects.get(project__slug="pic-saint-loup")

    assert "crise" not in budget.missions
    assert checks.deposit_gaps(demo["projects"]["pic-saint-loup"]) == []


def test_deposit_gaps_when_the_population_is_unknown(demo, monkeypatch):
    monkeypatch.setattr("funding.budget.territory_population", lambda project: None)
    Budget.objects.filter(project__slug="pic-saint-loup").update(population=None)

    gaps = checks.deposit_gaps(demo["projects"]["pic-saint-loup"])

    assert gaps[0].startswith("La population du territoire n'est pas renseignée")


def test_deadlines_are_empty_before_the_contract(demo):
    assert deadlines.deadlines(demo["projects"]["pic-saint-loup"]) == []


def test_deadlines_list_the_payments_of_a_signed_contract(demo):
    Budget.objects.filter(project__slug="pic-saint-loup").update(
        signature_date=dt.date(2027, 1, 31)
    )

    items = deadlines.deadlines(demo["projects"]["pic-saint-loup"])

    assert len(items) == 10
    assert items[0].date == dt.date(2027, 1, 31) and items[0].kind == "payment"
    assert items[2].date == dt.date(2028, 3, 31)
    assert "Solde de l'année 1" in items[2].label
    assert items[0].url == "/projets/pic-saint-loup/financement/"


def test_demo_seed_is_idempotent(demo):
    counts = (BudgetLine.objects.count(), Grant.objects.count(), GrantDocument.objects.count())
    history = BudgetLine.history.count()

    seed(demo)

    assert counts == (
        BudgetLine.objects.count(),
        Grant.objects.count(),
        GrantDocument.objects.count(),
    )
    assert BudgetLine.history.count() == history
