import datetime as dt

import pytest

from cpts_portal.lib.versioning import EditConflict
from missions import services
from missions.checks import deposit_gaps
from missions.deadlines import deadlines
from missions.models import Fiche, Indicator, Mission, SubAction
from tests.factories import make_membership, make_project, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(catalogue, referential):
    return make_project()


@pytest.fixture
def coordinator(project):
    return make_membership(organisation=project.organisation, role="COORDINATOR").user


def _mission(code):
    return Mission.objects.get(code=code)


def _complete_fiche(project, by, code, *, title="Action"):
    fiche = services.fiche_create(
        project=project, by=by, mission=_mission(code), title=title, objectives="Un objectif"
    )
    fiche = services.fiche_update(fiche=fiche, by=by, version=1, fields={"pilot": by})
    services.row_create(
        fiche=fiche,
        model=Indicator,
        by=by,
        fields={
            "name": "Résultat",
            "kind": Indicator.Kind.RESULT,
            "baseline": 1,
            "target": 2,
            "drives_funding": True,
        },
    )
    return fiche


def test_catalogue_has_the_seven_missions_with_their_limits_and_funding(catalogue):
    rows = {
        m.code: (m.kind, m.start_months, m.deployment_months, m.regime, m.funding_code)
        for m in Mission.objects.all()
    }

    assert rows == {
        "1a": ("SOCLE", 6, 18, "ACI_2019", "acces_soins"),
        "1b": ("SOCLE", 6, 18, "ACI_2019", "acces_soins"),
        "2": ("SOCLE", 12, 24, "ACI_2019", "parcours"),
        "3": ("SOCLE", 12, 24, "ACI_2019", "prevention"),
        "4": ("COMPLEMENTAIRE", None, None, "ACI_2019", "qualite"),
        "5": ("COMPLEMENTAIRE", None, None, "ACI_2019", "accompagnement"),
        "6": ("SOCLE", 6, 18, "AVENANT_2", "crise"),
    }


def test_fiche_numbers_follow_per_project_and_are_never_reused(project, coordinator):
    first = services.fiche_create(project=project, by=coordinator, mission=_mission("2"), title="A")
    second = services.fiche_create(
        project=project, by=coordinator, mission=_mission("2"), title="B"
    )
    services.fiche_delete(fiche=second, by=coordinator, version=second.version)
    other = services.fiche_create(
        project=make_project(), by=coordinator, mission=_mission("2"), title="C"
    )

    third = services.fiche_create(project=project, by=coordinator, mission=_mission("2"), title="D")

    assert (first.number, third.number, other.number) == (1, 3, 1)


def test_fiche_update_refuses_a_stale_version_and_keeps_the_other_edit(project, coordinator):
    fiche = services.fiche_create(project=project, by=coordinator, mission=_mission("3"), title="A")
    services.fiche_update(fiche=fiche, by=coordinator, version=1, fields={"title": "B"})

    with pytest.raises(EditConflict) as conflict:
        services.fiche_update(fiche=fiche, by=make_user(), version=1, fields={"title": "C"})

    fiche.refresh_from_db()
    assert fiche.title == "B" and conflict.value.current.version == 2
    assert [h.title for h in fiche.history.all()] == ["B", "A"]


def test_saves_of_different_sections_merge_but_not_of_the_same_fields(project, coordinator):
    fiche = services.fiche_create(project=project, by=coordinator, mission=_mission("3"), title="A")
    services.fiche_update(fiche=fiche, by=coordinator, version=1, fields={"problems": "Constat"})
    other = make_user()

    merged = services.fiche_update(fiche=fiche, by=other, version=1, fields={"levers": "Levier"})
    with pytest.raises(EditConflict):
        services.fiche_update(fiche=fiche, by=other, version=1, fields={"problems": "Autre"})

    fiche.refresh_from_db()
    assert merged.version == 3
    assert (fiche.problems, fiche.levers) == ("Constat", "Levier")


def test_row_move_swaps_neighbours_and_keeps_versions(project, coordinator):
    fiche = services.fiche_create(project=project, by=coordinator, mission=_mission("3"), title="A")
    for what in ("un", "deux", "trois"):
        services.row_create(fiche=fiche, model=SubAction, by=coordinator, fields={"what": what})
    third = fiche.sub_actions.get(what="trois")

    services.row_move(row=third, by=coordinator, direction="up")
    services.row_move(row=fiche.sub_actions.get(what="un"), by=coordinator, direction="up")

    assert [s.what for s in fiche.sub_actions.all()] == ["un", "trois", "deux"]
    assert {s.version for s in fiche.sub_actions.all()} == {1}
    assert third.history.first().history_change_reason == "ordre modifié"


def test_deposit_gaps_name_each_missing_piece(project, coordinator):
    for code in ("1a", "1b", "2"):
        _complete_fiche(project, coordinator, code)
    services.fiche_create(project=project, by=coordinator, mission=_mission("3"), title="Vaccins")

    gaps = deposit_gaps(project)

    assert gaps == [
        "Mission 3 (Prévention) : aucun indicateur retenu pour la rémunération variable.",
        "Fiche 4 « Vaccins » : il manque un pilote, un objectif opérationnel et au moins un "
        "indicateur.",
    ]


def test_deposit_gaps_are_empty_when_every_socle_mission_is_covered(project, coordinator):
    # Guide: "les trois missions socles" (1a and 1b are the access-to-care mission); the
    # crisis mission is optional under ACI-2019 ("conditions et détails à venir").
    for code in ("1a", "1b", "2", "3"):
        _complete_fiche(project, coordinator, code)

    assert deposit_gaps(project) == []


def test_deadlines_need_a_signature_date(project):
    assert deadlines(project) == []


def test_deadlines_give_each_socle_mission_its_limits(project, coordinator):
    services.fiche_create(project=project, by=coordinator, mission=_mission("4"), title="CREX")

    items = deadlines(project, signature_date=dt.date(2026, 8, 31))

    labels = {(d.date, d.kind, d.label.split(" (")[0]) for d in items}
    assert (dt.date(2027, 2, 28), "mission_start", "Démarrage de la mission 1a") in labels
    assert (dt.date(2028, 2, 29), "mission_deployment", "Déploiement complet de la mission 1b") in (
        labels
    )
    assert (dt.date(2027, 8, 31), "mission_start", "Démarrage de la mission 3") in labels
    assert not any("mission 6" in label for _, _, label in labels)  # optional under ACI-2019
    assert len(items) == 8  # four socle missions, two limits each; mission 4 has none
    assert items == sorted(items, key=lambda d: (d.date, d.label))


def test_pilot_must_belong_to_the_cpts(project, coordinator, login):
    from django.urls import reverse

    fiche = services.fiche_create(project=project, by=coordinator, mission=_mission("3"), title="A")
    outsider = make_user()
    client = login(coordinator)

    response = client.post(
        reverse("missions:fiche-section", args=[project.slug, fiche.number, "pilote"]),
        {"version": fiche.version, "pilot": outsider.pk},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    assert Fiche.objects.get(pk=fiche.pk).pilot_id is None
