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
    gaps = checks.deposit_gaps(demo["projects"]["uzege-pont-du-gard"])

    assert len(gaps) == 1
    assert "Prévention" in gaps[0] and "n'est pas équilibré" in gaps[0]
    assert "les dépenses dépassent les ressources de 3\u202f000\u00a0€" in gaps[0]


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
