"""The contract's years and what they are funded on, through the follow-up pages, the
deadlines dashboard and the iCalendar feed.

Demo (demo/followup.py): the Bassin de Thau signed its contract on 02/09/2024, on a budget of
126 000 inhabitants and three funded missions; the year-1 dialogue is signed by the three
parties, the year-2 one is prepared; results are recorded for years 1 and 2 only.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cpts_portal.lib.dates import contract_end, contract_year
from funding.models import Budget
from lifecycle import documents
from lifecycle.models import ContractYearBasis
from missions.models import IndicatorResult
from projects.models import Contract, Document

pytestmark = pytest.mark.django_db

THAU = "bassin-de-thau"


def _text(response) -> str:
    return response.content.decode().replace("\u202f", " ").replace("\u00a0", " ")


# --- Exact periods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "years", "end"),
    [
        # A start on 29 February: the anniversaries of common years fall on 28 February.
        (
            dt.date(2024, 2, 29),
            [
                ("29/02/2024", "27/02/2025"),
                ("28/02/2025", "27/02/2026"),
                ("28/02/2026", "27/02/2027"),
                ("28/02/2027", "28/02/2028"),
                ("29/02/2028", "27/02/2029"),
            ],
            dt.date(2029, 2, 27),
        ),
        # A start on the 31st.
        (
            dt.date(2022, 1, 31),
            [
                ("31/01/2022", "30/01/2023"),
                ("31/01/2023", "30/01/2024"),
                ("31/01/2024", "30/01/2025"),
                ("31/01/2025", "30/01/2026"),
                ("31/01/2026", "30/01/2027"),
            ],
            dt.date(2027, 1, 30),
        ),
        # The demo's: years no longer overlap, the contract ends five years minus one day later.
        (
            dt.date(2024, 9, 2),
            [
                ("02/09/2024", "01/09/2025"),
                ("02/09/2025", "01/09/2026"),
                ("02/09/2026", "01/09/2027"),
                ("02/09/2027", "01/09/2028"),
                ("02/09/2028", "01/09/2029"),
            ],
            dt.date(2029, 9, 1),
        ),
    ],
)
def test_contract_years_run_from_one_anniversary_to_the_day_before_the_next(
    demo, login, start, years, end
):
    Contract.objects.filter(project__slug=THAU).update(signature_date=start)
    client = login(demo["users"]["marie.chevalier"])

    page = _text(client.get(reverse("lifecycle:followup", args=[THAU])))
    dashboard = login(demo["users"]["marc.olivier"]).get(
        reverse("lifecycle:deadlines", args=[THAU])
    )

    for first, last in years:
        assert f"du {first} au {last}" in page
    assert f"jusqu'au {end:%d/%m/%Y}" in page.replace("&#x27;", "'")
    assert contract_end(start) == end
    for number in range(1, 6):
        year_page = _text(client.get(reverse("lifecycle:dialogue", args=[THAU, number])))
        assert "du {} au {}".format(*years[number - 1]) in year_page
        assert (contract_year(start, number + 1)[0] if number < 5 else end + dt.timedelta(1)) == (
            contract_year(start, number)[1] + dt.timedelta(days=1)
        )
    rows = {r["deadline"].kind: r["deadline"] for r in dashboard.context["rows"]}
    assert rows["contract_end"].date == end
    dialogues = [
        r["deadline"].date
        for r in dashboard.context["rows"]
        if r["deadline"].kind == "annual_dialogue"
    ]
    # Each yearly dialogue falls on the anniversary, the first day of the next year.
    assert dialogues == [contract_year(start, n)[1] + dt.timedelta(days=1) for n in range(1, 6)]


def test_the_calendar_feed_ends_the_contract_on_the_same_day(demo, login):
    Contract.objects.filter(project__slug=THAU).update(signature_date=dt.date(2024, 2, 29))
    client = login(demo["users"]["marc.olivier"])
    response = client.post(
        reverse("lifecycle:calendar-feed-manage", args=[THAU]), {"operation": "create"}, follow=True
    )
    token = response.context["feed_url"].rsplit("/", 1)[1].removesuffix(".ics")

    feed = client.get(reverse("lifecycle:calendar-feed", args=[token])).content.decode()

    assert "Fin du contrat ACI" in feed
    assert "DTSTART;VALUE=DATE:20290227" in feed


# --- Every year page works ----------------------------------------------------------------------


@pytest.mark.parametrize("year", [1, 2, 3])
def test_a_year_page_answers_with_an_estimate_whatever_the_results(demo, login, year):
    """Year 1: every rate agreed; year 2: results, nothing agreed; year 3: no result at all."""
    client = login(demo["users"]["marie.chevalier"])

    response = client.get(reverse("lifecycle:dialogue", args=[THAU, year]))

    assert response.status_code == 200
    view = response.context["year"]
    assert view.funding is not None and len(view.expected) == 2
    page = _text(response)
    assert "est nécessaire" not in page
    if year == 3:
        assert all(m["unknown"] for m in view.missions)
        assert "Taux d'atteinte inconnu" in page.replace("&#x27;", "'")
        # The estimate counts the unknown rates at 100 %: the whole variable part.
        assert all(m["variable_due"] == m["variable_base"] for m in view.missions)
    else:
        assert not any(m["unknown"] for m in view.missions)


def test_a_year_with_some_results_estimates_the_others_as_unknown(demo, login):
    IndicatorResult.objects.filter(
        indicator__fiche__project__slug=THAU, year=2, indicator__fiche__mission__code="2"
    ).delete()
    client = login(demo["users"]["marie.chevalier"])

    response = client.get(reverse("lifecycle:dialogue", args=[THAU, 2]))

    assert response.status_code == 200
    missions = {m["code"]: m for m in response.context["year"].missions}
    assert missions["parcours"]["unknown"] and missions["parcours"]["measured"] is None
    assert missions["acces_soins"]["measured"] == Decimal("0.94")  # 1a 0.88 and 1b 1, equal weights
    assert response.context["year"].unknown == [missions["parcours"]["label"]]


# --- Figures frozen by the signatures -----------------------------------------------------------


def test_a_signed_year_keeps_its_figures_after_a_population_change(demo, login):
    project = demo["projects"][THAU]
    client = login(demo["users"]["marie.chevalier"])
    url = reverse("lifecycle:dialogue", args=[THAU, 1])
    before = client.get(url)
    html_before = documents.render_html(project, Document.Kind.ANNUAL_DIALOGUE, {"year": 1})
    year_before = before.context["year"]
    assert year_before.expected_total == Decimal("215750")
    assert year_before.basis.population == 126_000 and year_before.basis.tier == 3

    budget = Budget.objects.get(project=project)
    budget.population = 60_000  # a smaller territory: another size tier
    budget.save()

    after = client.get(url)
    year_after = after.context["year"]
    assert year_after.expected_total == Decimal("215750")
    assert year_after.funding.total == year_before.funding.total
    assert [p.amount for p in year_after.expected] == [p.amount for p in year_before.expected]
    assert "126 000 habitants" in _text(after)
    assert documents.render_html(project, Document.Kind.ANNUAL_DIALOGUE, {"year": 1}) == html_before
    # The other years keep the contract's figures too, until a dialogue adopts the new ones.
    overview = client.get(reverse("lifecycle:followup", args=[THAU]))
    assert all(y.basis.population == 126_000 for y in overview.context["years"])


def test_a_dialogue_not_signed_adopts_the_new_size_from_its_year_never_a_signed_one(
    demo, login, monkeypatch
):
    project = demo["projects"][THAU]
    # The budget's population counts once the territory gives none (the demo has one).
    monkeypatch.setattr("funding.budget.territory_population", lambda project: None)
    budget = Budget.objects.get(project=project)
    budget.population = 60_000
    budget.save()
    client = login(demo["users"]["lucie.bernard"])  # the coordinator

    refused = client.post(reverse("lifecycle:dialogue-basis", args=[THAU, 1]), follow=True)
    adopted = client.post(reverse("lifecycle:dialogue-basis", args=[THAU, 2]), follow=True)

    assert "a été signé" in _text(refused)
    years = {
        y.dates["number"]: y
        for y in client.get(reverse("lifecycle:followup", args=[THAU])).context["years"]
    }
    assert years[1].basis.population == 126_000 and years[1].expected_total == Decimal("215750")
    assert [years[n].basis.population for n in (2, 3, 4, 5)] == [60_000] * 4
    assert years[2].basis.tier == 2 and years[2].basis.from_year == 2
    assert adopted.status_code == 200
    assert ContractYearBasis.objects.filter(project=project).count() == 2


def test_only_the_parties_adopt_a_basis(demo, login):
    client = login(demo["users"]["helene.rousseau"])  # the analyst reads, never prepares

    response = client.post(reverse("lifecycle:dialogue-basis", args=[THAU, 2]))

    assert response.status_code == 403
    assert ContractYearBasis.objects.filter(project__slug=THAU).count() == 1
