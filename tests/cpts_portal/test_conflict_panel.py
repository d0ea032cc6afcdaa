"""Conflict panels show the other person's values as users read them: choice labels, French
dates and amounts (never PLANNED, 2027-03-01 or 46000.00)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import BudgetLine
from missions.models import SubAction

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"
NNBSP, NBSP = "\u202f", "\u00a0"


def _panel(response) -> str:
    """The text of the conflict panel's "Sa version" list."""
    content = response.content.decode()
    match = re.search(r'<div class="alert alert-warning conflict".*?</dl>', content, re.S)
    assert match, "no conflict panel"
    return re.sub(r"<[^>]+>", " ", match.group(0))


def test_budget_line_conflict_shows_the_category_label_and_the_amount_in_euros(demo, login):
    client = login(demo["users"]["claire.martin"])
    line = BudgetLine.objects.get(budget__project__slug=PIC, number=2)
    stale = line.version
    client.post(
        reverse("funding:line-update", args=[PIC, 2]),
        {"version": stale, "category": "HONORAIRES", "label": line.label, "amount": "46000"},
    )

    response = client.post(
        reverse("funding:line-update", args=[PIC, 2]),
        {"version": stale, "category": "SALAIRES", "label": "Mon libellé", "amount": "1"},
        HTTP_HX_REQUEST="true",
    )

    panel = _panel(response)
    assert response.status_code == 409
    assert "Honoraires de consultants" in panel and "HONORAIRES" not in panel
    assert f"46{NNBSP}000{NBSP}€" in panel and "46000" not in panel


def test_sub_action_conflict_shows_the_status_label_and_french_dates(demo, login):
    client = login(demo["users"]["claire.martin"])
    client.defaults["HTTP_HX_REQUEST"] = "true"
    row = SubAction.objects.get(fiche__project__slug=PIC, fiche__number=1, number=1)
    url = reverse("missions:row-update", args=[PIC, 1, "sous-actions", 1])
    data = {"what": "Première version", "status": "PLANNED", "version": row.version}
    client.post(url, data | {"start_date": "2027-03-01"})

    response = client.post(url, data | {"what": "Seconde version", "status": "DONE"})

    panel = _panel(response)
    assert response.status_code == 409
    assert "à faire" in panel and "PLANNED" not in panel
    assert "01/03/2027" in panel and "2027-03-01" not in panel
    assert SubAction.objects.get(pk=row.pk).start_date == dt.date(2027, 3, 1)


def test_fiche_budget_conflict_shows_euros(demo, login):
    from missions.models import Fiche

    client = login(demo["users"]["claire.martin"])
    client.defaults["HTTP_HX_REQUEST"] = "true"
    fiche = Fiche.objects.get(project__slug=PIC, number=1)
    url = reverse("missions:fiche-section", args=[PIC, 1, "freins"])
    data = {"obstacles": "a", "levers": "b", "version": fiche.version}
    client.post(url, data | {"budget": "46000"})

    response = client.post(url, data | {"budget": "12"})

    panel = _panel(response)
    assert response.status_code == 409
    assert Fiche.objects.get(pk=fiche.pk).budget == Decimal(46000)
    assert f"46{NNBSP}000{NBSP}€" in panel
