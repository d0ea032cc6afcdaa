"""Missions follow the barème in force (issue 17, item 1).

Guide, "Les missions des CPTS": "Missions socles [...] Missions complémentaires [...]
Participation à la réponse aux crises sanitaires [...] une sixième mission susceptible d'être
assurée par les CPTS : la participation à la réponse aux crises sanitaires (conditions et
détails à venir)." FOCUS - Planifier le déploiement: "En souscrivant au contrat, les
communautés professionnelles territoriales de santé s'engagent à mettre en place les trois
missions socles dans le respect de ce calendrier."
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.data import aci_2019
from funding.models import Bareme, BaremeLine, Budget
from lifecycle.transitions import deposit_gaps as all_deposit_gaps
from missions import services
from missions.checks import deposit_gaps, required_missions
from missions.models import Indicator, Mission
from projects.models import Contract
from tests.factories import make_membership, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(catalogue, referential):
    return make_project()


@pytest.fixture
def coordinator(project):
    return make_membership(organisation=project.organisation, role="COORDINATOR").user


def _complete_fiche(project, by, code):
    fiche = services.fiche_create(
        project=project,
        by=by,
        mission=Mission.objects.get(code=code),
        title=f"Action {code}",
        objectives="Un objectif",
        pilot=by,
    )
    services.row_create(
        fiche=fiche,
        model=Indicator,
        by=by,
        fields={"name": "Résultat", "kind": "RESULT", "baseline": 1, "target": 2},
    )
    fiche.indicators.update(drives_funding=True)
    return fiche


def _bareme_with_crisis_socle(effective_date=dt.date(2025, 1, 1)) -> Bareme:
    """What an administrator enters for a later text that funds and makes socle the crisis
    mission (the amounts here are the test's, not an official text's)."""
    bareme = Bareme.objects.create(
        name="ACI-test-crise",
        effective_date=effective_date,
        socle_missions=[*aci_2019.SOCLE, "crise"],
    )
    for component, mission, amounts in aci_2019.LINES:
        BaremeLine.objects.create(
            bareme=bareme,
            component=component,
            mission=mission,
            **{f"amount_tier{tier}": amount for tier, amount in enumerate(amounts, 1)},
        )
    for component in ("FIXED", "VARIABLE"):
        BaremeLine.objects.create(
            bareme=bareme,
            component=component,
            mission="crise",
            **{f"amount_tier{tier}": Decimal(5_000) for tier in range(1, 5)},
        )
    return bareme


def test_aci_2019_makes_three_missions_socle_and_leaves_the_crisis_mission_optional(project):
    # "les trois missions socles"; crisis: "conditions et détails à venir".
    bareme = Bareme.objects.get(name="ACI-2019")

    assert bareme.socle == ["acces_soins", "parcours", "prevention"]
    assert "crise" not in bareme.funded_missions
    assert [m.code for m in required_missions(project)] == ["1a", "1b", "2", "3"]


def test_a_deposit_needs_no_crisis_fiche_under_aci_2019(project, coordinator):
    for code in ("1a", "1b", "2", "3"):
        _complete_fiche(project, coordinator, code)

    assert deposit_gaps(project) == []


def test_a_deposit_needs_a_fiche_for_each_socle_mission(project, coordinator):
    for code in ("1a", "2"):
        _complete_fiche(project, coordinator, code)

    assert deposit_gaps(project) == [
        "Mission 1b (Soins non programmés) : aucune fiche-action.",
        "Mission 3 (Prévention) : aucune fiche-action.",
    ]


def test_a_later_bareme_making_the_crisis_mission_socle_requires_it(project, coordinator):
    for code in ("1a", "1b", "2", "3"):
        _complete_fiche(project, coordinator, code)
    _bareme_with_crisis_socle()

    assert [m.code for m in required_missions(project)] == ["1a", "1b", "2", "3", "6"]
    assert deposit_gaps(project) == [
        "Mission 6 (Crises sanitaires graves) : aucune fiche-action.",
    ]


def test_a_contract_signed_before_the_later_bareme_keeps_its_own_socle(project, coordinator):
    for code in ("1a", "1b", "2", "3"):
        _complete_fiche(project, coordinator, code)
    _bareme_with_crisis_socle(effective_date=dt.date(2025, 1, 1))
    Contract.objects.create(
        project=project,
        signature_date=dt.date(2024, 6, 3),
        bareme="ACI-2019",
        cpts_signed_date=dt.date(2024, 6, 3),
        cpam_signed_date=dt.date(2024, 6, 3),
        ars_signed_date=dt.date(2024, 6, 3),
    )

    assert [m.code for m in required_missions(project)] == ["1a", "1b", "2", "3"]


def test_the_budget_must_fund_the_crisis_mission_once_a_bareme_makes_it_socle(project, coordinator):
    _bareme_with_crisis_socle()
    Budget.objects.create(project=project, population=52_000, missions=aci_2019.SOCLE)

    gaps = all_deposit_gaps(project)

    assert (
        "Le budget prévisionnel ne finance pas la mission socle « Réponse aux crises "
        "sanitaires graves (mission 6) » : le barème ACI-test-crise la rend obligatoire "
        "(cochez-la dans les missions contractualisées du budget)."
    ) in gaps


def test_the_avenant_2_switch_is_gone(demo, login):
    client = login(demo["users"]["claire.martin"])

    content = client.get(reverse("missions:mission-list", args=["pic-saint-loup"])).content
    assert b"avenant 2" not in content
    assert b"follows_avenant_2" not in content


def test_an_administrator_enters_a_bareme_with_its_socle_missions(demo, login):
    client = login(demo["users"]["admin"])

    response = client.post(
        reverse("admin:funding_bareme_add"),
        {
            "name": "ACI-admin",
            "effective_date": "2030-01-01",
            "source": "Avenant de test",
            "socle_missions": ["acces_soins", "parcours", "prevention", "crise"],
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Bareme.objects.get(name="ACI-admin").socle == [
        "acces_soins",
        "parcours",
        "prevention",
        "crise",
    ]
