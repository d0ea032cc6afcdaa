import datetime as dt
from decimal import Decimal

import pytest

from funding.calculator import (
    FundingError,
    annual_funding,
    payment_schedule,
    size_tier,
    yearly_totals,
)
from funding.models import Bareme, BaremeLine

pytestmark = pytest.mark.django_db

ALL = ["acces_soins", "parcours", "prevention", "qualite", "accompagnement"]
SOCLE = ["acces_soins", "parcours", "prevention"]


@pytest.mark.parametrize(
    ("population", "tier"),
    [(0, 1), (39_999, 1), (40_000, 2), (80_000, 2), (80_001, 3), (175_000, 3), (175_001, 4)],
)
def test_size_tier_follows_the_boundaries_decided_here(population, tier):
    assert size_tier(population) == tier


@pytest.mark.parametrize(
    ("population", "total"),
    [(20_000, 185_000), (52_000, 242_000), (120_000, 315_000), (250_000, 380_000)],
)
def test_annual_funding_with_every_mission_matches_the_guide_total(population, total):
    funding = annual_funding(population=population, missions=ALL)

    assert funding.total == Decimal(total)
    assert funding.fixed_total + funding.variable_total == funding.total
    assert funding.bareme == "ACI-2019"


def test_annual_funding_reproduces_the_guide_illustration():
    funding = annual_funding(population=52_000, missions=SOCLE, snp_orientation=True)

    assert funding.functioning_total == Decimal(60_000)
    assert funding.mission_fixed_total == Decimal(79_500 + 45_000)
    assert funding.variable_total == Decimal(67_500)
    assert funding.total == Decimal(252_000)
    assert funding.fixed_total == Decimal(60_000 + 79_500 + 45_000)


def test_variable_parts_follow_the_attainment_rates():
    funding = annual_funding(
        population=52_000, missions=SOCLE, attainment={"parcours": 0.5, "prevention": 0}
    )

    variable = {line.mission: line.amount for line in funding.lines if line.is_variable}
    assert variable == {
        "acces_soins": Decimal(17_500),
        "parcours": Decimal(17_500),
        "prevention": Decimal(0),
    }
    assert funding.total == Decimal(207_000 - 17_500 - 15_000)


def test_functioning_is_always_included():
    funding = annual_funding(population=10_000, missions=[])

    assert [line.component for line in funding.lines] == ["FUNCTIONING"]
    assert funding.total == Decimal(50_000)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"missions": ["inconnue"]}, "La mission « inconnue » n'existe pas."),
        ({"missions": SOCLE, "attainment": {"parcours": 1.2}}, "compris entre 0 et 100 %"),
        ({"missions": SOCLE, "attainment": {"parcours": -0.1}}, "compris entre 0 et 100 %"),
        ({"missions": ["crise"]}, "ne finance pas la mission"),
        ({"missions": SOCLE, "bareme": "ACI-1900"}, "n'existe pas"),
    ],
)
def test_annual_funding_refuses_what_it_cannot_compute(kwargs, message):
    with pytest.raises(FundingError, match=message):
        annual_funding(population=52_000, **kwargs)


def _bareme_2024():
    bareme = Bareme.objects.create(name="ACI-avenant-test", effective_date=dt.date(2024, 1, 1))
    for line in BaremeLine.objects.filter(bareme__name="ACI-2019"):
        line.pk, line.bareme = None, bareme
        line.amount_tier2 += 1000
        line.save()
    BaremeLine.objects.create(
        bareme=bareme,
        component="FUNCTIONING_FIRST_YEAR",
        amount_tier1=10_000,
        amount_tier2=10_000,
        amount_tier3=10_000,
        amount_tier4=10_000,
    )
    return bareme


def test_a_simulation_uses_the_latest_bareme_and_a_contract_the_one_in_force():
    _bareme_2024()

    latest = annual_funding(population=52_000, missions=[])
    in_2022 = annual_funding(population=52_000, missions=[], on=dt.date(2022, 5, 1))
    named = annual_funding(population=52_000, missions=[], bareme="ACI-2019")

    assert latest.bareme == "ACI-avenant-test" and latest.total == Decimal(61_000)
    assert in_2022.bareme == "ACI-2019" and in_2022.total == Decimal(60_000)
    assert named.total == Decimal(60_000)


def test_first_year_increase_counts_in_the_first_contract_year_only():
    _bareme_2024()

    payments = payment_schedule(signature_date=dt.date(2024, 3, 1), population=52_000, missions=[])

    assert yearly_totals(payments) == {
        1: Decimal(71_000),
        2: Decimal(61_000),
        3: Decimal(61_000),
        4: Decimal(61_000),
        5: Decimal(61_000),
    }


def test_payment_schedule_lists_every_payment_of_the_guide_example():
    payments = payment_schedule(
        signature_date=dt.date(2025, 1, 31),
        population=52_000,
        missions=SOCLE,
        snp_orientation=True,
    )

    assert [(p.date, p.year, p.kind, p.amount) for p in payments] == [
        (dt.date(2025, 1, 31), 1, "start", Decimal(60_000 + 93_375)),
        (dt.date(2026, 1, 31), 2, "start", Decimal(153_375)),
        (dt.date(2026, 3, 31), 1, "balance", Decimal(31_125 + 67_500)),
        (dt.date(2027, 1, 31), 3, "start", Decimal(153_375)),
        (dt.date(2027, 3, 31), 2, "balance", Decimal(98_625)),
        (dt.date(2028, 1, 31), 4, "start", Decimal(153_375)),
        (dt.date(2028, 3, 31), 3, "balance", Decimal(98_625)),
        (dt.date(2029, 1, 31), 5, "start", Decimal(153_375)),
        (dt.date(2029, 3, 31), 4, "balance", Decimal(98_625)),
        (dt.date(2030, 3, 31), 5, "balance", Decimal(98_625)),
    ]
    assert sum(p.amount for p in payments) == Decimal(1_260_000)


def test_payment_schedule_of_a_contract_signed_on_29_february():
    payments = payment_schedule(
        signature_date=dt.date(2024, 2, 29),
        population=120_000,
        missions=ALL,
        attainment={"qualite": 0.4},
    )

    starts = [p.date for p in payments if p.kind == "start"]
    balances = [p.date for p in payments if p.kind == "balance"]
    annual = annual_funding(population=120_000, missions=ALL, attainment={"qualite": 0.4})
    assert starts == [
        dt.date(2024, 2, 29),
        dt.date(2025, 2, 28),
        dt.date(2026, 2, 28),
        dt.date(2027, 2, 28),
        dt.date(2028, 2, 29),
    ]
    assert balances == [
        dt.date(2025, 4, 28),
        dt.date(2026, 4, 28),
        dt.date(2027, 4, 28),
        dt.date(2028, 4, 29),
        dt.date(2029, 4, 28),
    ]
    assert sum(p.amount for p in payments) == 5 * annual.total
    assert annual.total == Decimal(315_000 - 15_000 * Decimal("0.6"))


def test_payment_schedule_balances_the_advance_to_the_cent():
    payments = payment_schedule(
        signature_date=dt.date(2025, 6, 15),
        population=52_000,
        missions=["parcours"],
        bareme="ACI-2019",
        attainment={"parcours": Decimal("0.333")},
    )

    annual = annual_funding(
        population=52_000, missions=["parcours"], attainment={"parcours": Decimal("0.333")}
    )
    assert sum(p.amount for p in payments) == 5 * annual.total
    assert payments[0].lines[1].amount == Decimal("26250.00")


def test_chart_coordinates_are_never_localised():
    from funding.simulation import simulate

    chart = simulate(population=52_000, missions=SOCLE, snp_orientation=True).chart()

    values = [s["y"] for bar in chart["bars"] for s in bar["segments"]] + [chart["width"]]
    assert all("," not in value and float(value) >= 0 for value in values)
    assert [bar["total"] for bar in chart["bars"]] == [Decimal(252_000)] * 5


def test_a_later_bareme_funds_the_crisis_mission_and_one_off_amounts():
    bareme = _bareme_2024()
    for component, mission, amount in [
        ("FIXED", "crise", 8_000),
        ("VARIABLE", "crise", 2_000),
        ("CRISIS_ACTIVATION", "crise", 5_000),
        ("INTENTION_LETTER", "", 25_000),
    ]:
        BaremeLine.objects.create(
            bareme=bareme,
            component=component,
            mission=mission,
            **{f"amount_tier{tier}": amount for tier in range(1, 5)},
        )

    funding = annual_funding(population=52_000, missions=["crise"], attainment={"crise": 0.5})

    assert funding.total == Decimal(61_000 + 8_000 + 1_000)
    assert {(line.component, line.amount) for line in funding.one_off} == {
        ("CRISIS_ACTIVATION", Decimal(5_000)),
        ("INTENTION_LETTER", Decimal(25_000)),
    }


def test_a_barème_and_its_lines_are_read_in_one_query(django_assert_num_queries):
    """get_bareme reads the barème in force and its lines together; the barème of a date
    before the first one is the earliest; a name picks its barème."""
    from funding.calculator import get_bareme

    later = Bareme.objects.create(
        name="ACI-TEST-2031", effective_date=dt.date(2031, 1, 1), socle_missions=SOCLE
    )
    BaremeLine.objects.create(
        bareme=later, component="FUNCTIONING", mission="", amount_tier1=1,
        amount_tier2=2, amount_tier3=3, amount_tier4=4,
    )  # fmt: skip
    with django_assert_num_queries(1):
        in_force = get_bareme(on=dt.date(2025, 6, 1))
        lines = in_force.line_list
        funded = in_force.funded_missions
    assert in_force.name == "ACI-2019"
    assert lines == list(BaremeLine.objects.filter(bareme=in_force))
    assert all(line.bareme is in_force for line in lines)
    assert set(funded) >= set(SOCLE)
    assert get_bareme(on=dt.date(2031, 6, 1)) == later
    assert get_bareme(on=dt.date(2000, 1, 1)).name == "ACI-2019"  # before the first
    assert get_bareme("ACI-TEST-2031").line_list[0].amount_tier4 == 4
    assert get_bareme().name == "ACI-TEST-2031"  # the latest
    with pytest.raises(FundingError):
        get_bareme("ACI-1990")
