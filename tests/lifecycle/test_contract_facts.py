"""Facts close the contract's deadlines: the payments the CPAM records, the missions' start
and full deployment the CPTS declares, the indicator reviews held; one balance for the
dashboard, the follow-up pages and the reports.

Demo (demo/followup.py): the Bassin de Thau (contract of 02/09/2024) was paid year 1 (start
and balance) and the start of year 2; the CPTS declared every mission's start and the full
deployment of missions 1a, 1b and 3 (not of the parcours, 2); the reviews of semesters 1 and 3
were held. Today is after the year-2 balance's date (02/11/2026) for the demo's clock.
"""

import datetime as dt

import pytest
from django.urls import reverse

from cpts_portal.lib.numbers import euros
from lifecycle.models import ContractFact
from lifecycle.notifications import recipients
from projects.models import ContractPayment, ProjectEvent

pytestmark = pytest.mark.django_db

THAU = "bassin-de-thau"


def _rows(client):
    response = client.get(reverse("lifecycle:deadlines", args=[THAU]))
    assert response.status_code == 200
    return response.context["rows"]


def _text(response) -> str:
    return response.content.decode().replace("\u202f", " ").replace("\u00a0", " ")


def test_on_the_demo_no_recorded_payment_nor_declared_mission_is_late(demo, login):
    rows = _rows(login(demo["users"]["marc.olivier"]))

    facts = {"payment", "mission_start", "mission_deployment", "indicator_review"}
    late = [r["deadline"] for r in rows if r["status"] == "late" and r["deadline"].kind in facts]
    paid = {(p.year, p.kind) for p in ContractPayment.objects.filter(project__slug=THAU)}
    payments = [r for r in rows if r["deadline"].kind == "payment"]
    for row in payments:
        year, kind = row["deadline"].ref.split("-")
        assert (row["status"] == "done") == ((int(year), kind) in paid), row["deadline"].label
    starts = [r for r in rows if r["deadline"].kind == "mission_start"]
    assert starts and all(r["status"] == "done" for r in starts)
    # What is honestly late: the year-2 balance and the year-3 start (nothing recorded), the
    # parcours' full deployment (not declared).
    assert sorted(d.ref for d in late) == ["2", "2-balance", "3-start"]
    assert any("2 (" in d.label for d in late if d.kind == "mission_deployment")


def test_the_dashboard_balances_equal_the_follow_up_pages(demo, login):
    client = login(demo["users"]["marc.olivier"])
    years = client.get(reverse("lifecycle:followup", args=[THAU])).context["years"]
    rows = [r["deadline"] for r in _rows(client) if r["deadline"].kind == "payment"]

    dues = {f"{y.dates['number']}-{d.expected.kind}": d for y in years for d in y.dues}
    assert len(rows) == 10 and set(dues) == {row.ref for row in rows}
    for row in rows:
        assert f": {euros(dues[row.ref].expected.amount)}" in row.label
    # The year page shows the same payments (same amounts) as the overview.
    year_2 = client.get(reverse("lifecycle:dialogue", args=[THAU, 2])).context["year"]
    assert [d.expected.amount for d in year_2.dues] == [d.expected.amount for d in years[1].dues]


def test_a_payment_recorded_by_the_cpam_closes_its_row_and_a_partial_one_says_what_is_left(
    demo, login
):
    cpam = login(demo["users"]["marie.chevalier"])
    due = next(
        d
        for d in cpam.get(reverse("lifecycle:followup", args=[THAU])).context["years"][1].dues
        if d.expected.kind == "balance"
    )
    part = (due.expected.amount / 2).quantize(1)
    url = reverse("lifecycle:payment-create", args=[THAU, 2])
    data = {"kind": "balance", "paid_on": "2026-11-20", "reference": "Solde 2"}

    assert cpam.post(url, {**data, "amount": str(part)}).status_code == 302
    bureau = login(demo["users"]["marc.olivier"])  # the dashboard is the CPTS's
    row = next(r for r in _rows(bureau) if r["deadline"].ref == "2-balance")
    assert row["status"] == "late"
    assert f"reste {euros(due.expected.amount - part)}" in row["deadline"].label

    cpam = login(demo["users"]["marie.chevalier"])
    assert cpam.post(url, {**data, "amount": str(due.expected.amount - part)}).status_code == 302
    row = next(
        r for r in _rows(login(demo["users"]["marc.olivier"])) if r["deadline"].ref == "2-balance"
    )
    assert row["status"] == "done" and "versé" in row["deadline"].label


def test_the_cpts_declares_a_full_deployment_and_the_cpam_and_ars_see_it(demo, login):
    client = login(demo["users"]["lucie.bernard"])  # the coordinator
    url = reverse("lifecycle:fact-create", args=[THAU])

    response = client.post(
        url,
        {
            "kind": "mission_deployment",
            "ref": "2",
            "happened_on": "2026-11-16",
            "note": "Parcours ouvert sur les 14 communes.",
        },
    )

    assert response.status_code == 302
    fact = ContractFact.objects.get(project__slug=THAU, kind="mission_deployment", ref="2")
    assert fact.happened_on == dt.date(2026, 11, 16)
    rows = _rows(client)
    assert not [
        r for r in rows if r["deadline"].kind == "mission_deployment" and r["status"] == "late"
    ]
    event = ProjectEvent.objects.filter(project__slug=THAU, action="contract_fact").latest("pk")
    assert "16/11/2026" in event.label
    for reader in ("marie.chevalier", "isabelle.moreau"):  # the CPAM, the DD ARS
        page = _text(login(demo["users"][reader]).get(reverse("lifecycle:followup", args=[THAU])))
        assert "Parcours ouvert sur les 14 communes." in page and "fait le 16/11/2026" in page
    # The CPAM and the DD ARS are told (lifecycle.notifications).
    assert {"marie.chevalier", "isabelle.moreau"} <= {
        address.split("@")[0] for address in recipients(event)
    }


def test_a_declaration_in_the_future_is_refused_with_the_typed_text_kept(demo, login):
    client = login(demo["users"]["lucie.bernard"])

    response = client.post(
        reverse("lifecycle:fact-create", args=[THAU]),
        {"kind": "mission_deployment", "ref": "2", "happened_on": "2099-01-01", "note": "Bientôt"},
    )

    assert response.status_code == 422
    page = _text(response)
    assert "La date ne peut pas être dans l'avenir." in page.replace("&#x27;", "'")
    assert 'value="Bientôt"' in page
    assert not ContractFact.objects.filter(project__slug=THAU, kind="mission_deployment", ref="2")


def test_only_the_cpts_declares_its_missions(demo, login):
    client = login(demo["users"]["marie.chevalier"])  # the CPAM
    url = reverse("lifecycle:fact-create", args=[THAU])
    data = {"kind": "mission_deployment", "ref": "2", "happened_on": "2026-11-16"}

    assert client.post(url, data).status_code == 403
    # The CPAM records a review meeting held.
    review = {"kind": "indicator_review", "ref": "5", "happened_on": "2026-11-16"}
    assert client.post(url, review).status_code == 302


def test_an_indicator_review_is_done_only_when_its_meeting_is_recorded(demo, login):
    ContractFact.objects.filter(project__slug=THAU, kind="indicator_review", ref="3").delete()
    client = login(demo["users"]["marc.olivier"])

    rows = {r["deadline"].ref: r for r in _rows(client) if r["deadline"].kind == "indicator_review"}

    assert rows["1"]["status"] == "done"  # held on 10/03/2025
    assert rows["3"]["status"] == "late"  # its date passed, no meeting recorded
    assert rows["5"]["status"] == "upcoming"
