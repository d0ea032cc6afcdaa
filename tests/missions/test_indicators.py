"""Variable funding as the guide writes it (issue 17, item 2).

Guide, fiche-action template: "Indicateur(s) de résultats retenu(s) par la CPTS (=base de
calcul du financement variable de la mission)"; "Fixation des indicateurs": "Certains
indicateurs de suivi peuvent être aussi retenus pour le calcul du financement variable";
Instruction DGOS/DIR/CNAM/2019/218 quoted by the guide: "les parties signataires peuvent
choisir de fixer des indicateurs annuels progressifs afin de valoriser chaque année les
efforts progressifs fournis".
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from missions.models import Fiche, Indicator, IndicatorResult
from missions.results import attainment, definition_error, mission_attainment, weighted_attainment

pytestmark = pytest.mark.django_db

D = Decimal


def _indicator(**fields) -> Indicator:
    return Indicator(name="x", kind="RESULT", **fields)


def _url(name, *args, slug="pic-saint-loup"):
    return reverse(f"missions:{name}", args=[slug, *args])


# --- Attainment of one indicator ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rate"),
    [("70", D("0.5")), ("120", D(1)), ("150", D(1)), ("20", D(0)), ("10", D(0))],
)
def test_attainment_of_an_increasing_indicator(value, rate):
    indicator = _indicator(baseline=D(20), target=D(120))

    assert attainment(indicator, D(value)) == rate


@pytest.mark.parametrize(
    ("value", "rate"),
    # A decreasing indicator (the share of patients without a doctor, 7.8 % → 3.8 %): going
    # down is progress, going up (worse than the start) scores 0, never 100 %.
    [("5.8", D("0.5")), ("3.8", D(1)), ("2", D(1)), ("7.8", D(0)), ("9", D(0))],
)
def test_attainment_of_a_decreasing_indicator_works_both_ways(value, rate):
    indicator = _indicator(baseline=D("7.8"), target=D("3.8"))

    assert attainment(indicator, D(value)) == rate


@pytest.mark.parametrize("target", [D(120), D(3)])
def test_a_missing_baseline_is_an_error_not_a_silent_rate(target):
    indicator = _indicator(baseline=None, target=target)

    assert attainment(indicator, D(9)) is None  # neither 0 nor 100 %
    assert definition_error(indicator).startswith("La valeur de départ manque")


def test_each_contract_year_has_its_target_the_contract_target_by_default():
    # Portal's choice: a year without its own target takes the contract target.
    indicator = _indicator(baseline=D(0), target=D(100), target_year_1=D(40), target_year_2=D(70))

    assert [indicator.target_for(year) for year in range(1, 6)] == [40, 70, 100, 100, 100]
    assert attainment(indicator, D(40), year=1) == 1
    assert attainment(indicator, D(40), year=2) == D("0.5714")
    assert attainment(indicator, D(40), year=3) == D("0.4")


def test_a_year_target_on_the_wrong_side_is_an_error():
    indicator = _indicator(baseline=D(10), target=D(5), target_year_1=D(12))

    assert attainment(indicator, D(8), year=1) is None
    assert "sens contraire" in definition_error(indicator, 1)


# --- A mission: several retained indicators, weighted ---------------------------------------


def test_a_mission_attainment_is_the_weighted_mean_of_its_retained_indicators():
    assert weighted_attainment([(D(1), D("0.5")), (D(1), D(1))]) == D("0.75")  # equal weights
    assert weighted_attainment([(D(2), D("0.5")), (D(1), D(1))]) == D("0.6667")
    assert weighted_attainment([(D(1), D("0.5")), (D(1), None)]) is None  # one unknown
    assert weighted_attainment([]) is None


def test_mission_attainment_counts_retained_follow_up_indicators_only_when_retained(demo):
    fiche = Fiche.objects.select_related("mission").get(project__slug="pic-saint-loup", number=1)
    rows = [
        Indicator(fiche=fiche, name="a", kind="RESULT", drives_funding=True, weight=D(3)),
        Indicator(fiche=fiche, name="b", kind="FOLLOW_UP", drives_funding=True, weight=D(1)),
        Indicator(fiche=fiche, name="c", kind="RESULT", drives_funding=False, weight=D(1)),
    ]
    for row, rate in zip(rows, (D("0.4"), D(1), D(0)), strict=True):
        row.rate = rate

    assert mission_attainment(rows) == {"1a": D("0.55")}  # (3 × 0.4 + 1 × 1) / 4


# --- Through the fiche page --------------------------------------------------------------


def _post_indicator(htmx, demo, **data):
    client = htmx(demo["users"]["claire.martin"])
    return client.post(_url("row-create", 3, "indicateurs"), data)


def test_a_follow_up_indicator_and_a_second_one_may_be_retained_for_a_mission(demo, htmx):
    response = _post_indicator(
        htmx,
        demo,
        name="Réunions de concertation tenues",
        kind="FOLLOW_UP",
        baseline="0",
        target="24",
        drives_funding="on",
        weight="2",
        target_year_1="6",
        target_year_2="12",
    )

    assert response.status_code == 200, response.content.decode()[:3000]
    fiche = Fiche.objects.get(project__slug="pic-saint-loup", number=3)
    retained = fiche.indicators.filter(drives_funding=True).order_by("number")
    assert retained.count() == 2
    added = retained.last()
    assert (added.kind, added.weight, added.target_year_1, added.target_year_3) == (
        "FOLLOW_UP",
        2,
        6,
        None,
    )
    assert added.target_for(3) == 24


def test_an_omitted_weight_keeps_equal_weights(demo, htmx):
    _post_indicator(
        htmx,
        demo,
        name="Patients inclus",
        kind="RESULT",
        baseline="0",
        target="50",
        drives_funding="on",
    )

    assert Indicator.objects.get(name="Patients inclus").weight == 1


def test_a_retained_indicator_without_baseline_gets_a_french_error_on_the_field(demo, htmx):
    response = _post_indicator(
        htmx, demo, name="Sans départ", kind="RESULT", target="50", drives_funding="on"
    )

    content = response.content.decode()
    assert response.status_code == 422
    assert "Indiquez la valeur de départ (0 si l&#x27;on part de rien)" in content
    assert "Sans départ" in content  # what was typed is kept
    assert not Indicator.objects.filter(name="Sans départ").exists()


def test_a_year_target_against_the_direction_is_refused(demo, htmx):
    response = _post_indicator(
        htmx,
        demo,
        name="Part sans médecin traitant",
        kind="RESULT",
        baseline="7,8",
        target="3,8",
        target_year_1="9",
        drives_funding="on",
    )

    assert response.status_code == 422
    assert "La cible de l&#x27;année 1 doit être au-dessous de la valeur de départ" in (
        response.content.decode()
    )


def test_the_results_page_shows_the_missing_baseline_instead_of_a_rate(demo, login):
    fiche = Fiche.objects.get(project__slug="pic-saint-loup", number=1)
    indicator = fiche.indicators.filter(kind="RESULT").first()
    Indicator.objects.filter(pk=indicator.pk).update(baseline=None)
    IndicatorResult.objects.create(
        indicator=indicator, year=1, value=D(3), measured_on="2027-06-01", comment="test"
    )

    response = login(demo["users"]["claire.martin"]).get(_url("fiche-results", 1))

    content = response.content.decode()
    assert "La valeur de départ manque" in content
    assert "atteinte 100" not in content and "atteinte 0" not in content


def test_a_deposit_names_a_retained_indicator_without_baseline(demo):
    from missions.checks import deposit_gaps

    pic = demo["projects"]["pic-saint-loup"]
    indicator = Indicator.objects.filter(fiche__project=pic, drives_funding=True).first()
    Indicator.objects.filter(pk=indicator.pk).update(baseline=None)

    assert (
        f"Fiche {indicator.fiche.number}, indicateur « {indicator.name} » retenu pour la "
        "rémunération variable : la valeur de départ manque : sans elle le taux d'atteinte "
        "ne peut pas être calculé."
    ) in deposit_gaps(pic)


def test_the_contract_lists_the_retained_indicators_with_their_yearly_targets(demo):
    from missions.results import contract_indicators

    thau = demo["projects"]["bassin-de-thau"]
    Indicator.objects.filter(fiche__project=thau, fiche__mission__code="2").update(
        target_year_1=D(50), target_year_2=D(100)
    )

    listed = contract_indicators(thau)

    assert [i.fiche.mission.code for i in listed] == ["1a", "1b", "2", "3"]
    parcours = listed[2]
    assert parcours.year_targets == [50, 100, 150, 150, 150]
    assert all(i.weight == 1 for i in listed)


def test_the_help_page_declares_the_portal_s_defaults(client):
    content = client.get(reverse("help")).content.decode()

    assert "soit des <strong>poids égaux</strong>" in content
    assert "<strong>la cible du contrat, la même chaque année</strong>" in content
    assert "<strong>facultative</strong>" in content  # the crisis mission under ACI-2019


def test_the_contract_page_shows_the_weights_and_the_targets_of_each_year(demo, login):
    # Guide: "Le contrat doit ainsi déterminer [...] Les indicateurs pris en compte dans le
    # calcul du financement variable".
    thau = demo["projects"]["bassin-de-thau"]
    Indicator.objects.filter(fiche__project=thau, fiche__mission__code="2").update(
        target_year_1=D(50), weight=D(2)
    )

    response = login(demo["users"]["lucie.bernard"]).get(
        reverse("lifecycle:contract", args=["bassin-de-thau"])
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Cibles des années 1 à 5" in content
    assert "50 · 150 · 150 · 150 · 150 patients" in content
