import pytest
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Territory, TerritoryChange
from diagnostics.territory import (
    project_overlaps,
    territory_population,
    territory_summary,
    territory_tier,
)
from geo.models import Commune
from geo.population import total_population

pytestmark = pytest.mark.django_db

MONTPELLIER_METROPOLE = "243400017"


def test_add_commune_counts_population_and_syncs_departements(project, coordinator):
    services.territory_add_commune(project=project, code="34274", by=coordinator)
    services.territory_add_commune(project=project, code="30189", by=coordinator)

    expected = (
        Commune.objects.get(code="34274").population + Commune.objects.get(code="30189").population
    )
    assert territory_population(project) == expected
    assert territory_tier(project) == 3  # Nîmes alone has more than 80 000 inhabitants
    assert set(project.departements.values_list("code", flat=True)) == {"30", "34"}


def test_add_epci_adds_every_commune_of_the_epci(project, coordinator):
    change = services.territory_add_epci(
        project=project, code=MONTPELLIER_METROPOLE, by=coordinator
    )

    communes = Commune.objects.filter(epci_id=MONTPELLIER_METROPOLE, kind="COMMUNE")
    assert change.commune_count == communes.count() == 31
    assert territory_population(project) == total_population(communes)
    summary = territory_summary(project)
    assert [d.code for d in summary.departements] == ["34"]
    assert summary.departements[0].epcis[0].commune_count == 31


def test_each_change_is_logged_and_bumps_the_territory_version(project, coordinator):
    services.territory_add_commune(project=project, code="34274", by=coordinator)
    services.territory_add_commune(project=project, code="34172", by=coordinator)
    services.territory_remove_commune(project=project, code="34274", by=coordinator)

    territory = Territory.objects.get(project=project)
    changes = list(TerritoryChange.objects.filter(territory=territory).order_by("at", "pk"))
    assert [c.action for c in changes] == ["ADD", "ADD", "REMOVE"]
    assert [c.by for c in changes] == [coordinator] * 3
    assert changes[1].tier_before == 1 and changes[1].tier_after == 4
    assert territory.version == 4  # created at 1, three changes
    assert territory.history.count() == 4
    assert territory.population == Commune.objects.get(code="34172").population


def test_a_city_and_one_of_its_arrondissements_are_refused_together(project, coordinator):
    services.territory_add_commune(project=project, code="13201", by=coordinator)

    with pytest.raises(services.TerritoryError, match="ne peuvent pas faire partie ensemble"):
        services.territory_add_commune(project=project, code="13055", by=coordinator)

    assert territory_population(project) == Commune.objects.get(code="13201").population


def test_adding_a_commune_twice_is_refused(project, coordinator):
    services.territory_add_commune(project=project, code="34274", by=coordinator)

    with pytest.raises(services.TerritoryError, match="fait déjà partie"):
        services.territory_add_commune(project=project, code="34274", by=coordinator)


def test_overlaps_name_the_other_project_and_its_stage(demo):
    pic = demo["projects"]["pic-saint-loup"]
    lodevois = demo["projects"]["lodevois-larzac"]

    rows, total = project_overlaps(pic.territory)
    other_rows, other_total = project_overlaps(lodevois.territory)

    assert total == 1 and rows[0].commune_id == "34274"
    assert rows[0].territory.project == lodevois
    assert other_total == 1 and other_rows[0].territory.project == pic


# --- Views ----------------------------------------------------------------------------------


def test_search_finds_communes_by_name_code_and_postal_code(project, coordinator, login):
    client = login(coordinator)
    url = reverse("diagnostics:territory-detail", args=[project.slug])

    by_name = client.get(
        url, {"q": "Saint-Martin-de-Lon"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results"
    )
    by_code = client.get(url, {"q": "34274"})
    by_postal = client.get(url, {"q": "34380"})

    assert "Saint-Martin-de-Londres" in by_name.content.decode()
    assert "<html" not in by_name.content.decode()  # the fragment only
    assert "Saint-Martin-de-Londres" in by_code.content.decode()
    assert "Saint-Martin-de-Londres" in by_postal.content.decode()


def test_search_results_are_limited(project, coordinator, login):
    client = login(coordinator)

    response = client.get(
        reverse("diagnostics:territory-detail", args=[project.slug]), {"q": "Saint"}
    )

    assert len(response.context["results"]["communes"]) == 15


def test_coordinator_adds_through_htmx_and_sees_the_tier_change(project, coordinator, login):
    client = login(coordinator)
    url = reverse("diagnostics:territory-change", args=[project.slug])

    response = client.post(url, {"action": "add_commune", "code": "34172"}, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="territory-panel"' in content and "<html" not in content
    assert "passe de la taille 1 à la taille 4" in content
    assert "310\u202f240" in content


def test_refused_change_answers_422_with_the_reason(project, coordinator, login):
    client = login(coordinator)
    url = reverse("diagnostics:territory-change", args=[project.slug])
    client.post(url, {"action": "add_commune", "code": "75101"})

    response = client.post(url, {"action": "add_commune", "code": "75056"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 422
    assert "ne peuvent pas faire partie ensemble" in response.content.decode()


def test_change_without_htmx_redirects_with_a_message(project, coordinator, login):
    client = login(coordinator)

    response = client.post(
        reverse("diagnostics:territory-change", args=[project.slug]),
        {"action": "add_epci", "code": "200022986"},
        follow=True,
    )

    assert "Ajouté : CC du Grand Pic Saint-Loup" in response.content.decode()
    assert "taille 1 à la taille 2" in response.content.decode()


def test_other_roles_cannot_change_the_territory(demo, login):
    client = login(demo["users"]["sophie.garnier"])

    response = client.post(
        reverse("diagnostics:territory-change", args=["pic-saint-loup"]),
        {"action": "remove_commune", "code": "34274"},
    )

    assert response.status_code == 403
    assert project_overlaps(demo["projects"]["pic-saint-loup"].territory)[1] == 1


def test_territory_page_flags_the_overlap_to_the_coordinator(demo, login):
    client = login(demo["users"]["nadia.mercier"])

    response = client.get(reverse("diagnostics:territory-detail", args=["lodevois-larzac"]))

    content = response.content.decode()
    assert "revendiquées par un autre projet" in content
    # The Pic Saint-Loup has been sent to the ARS: named, with its stage.
    assert "CPTS du Pic Saint-Loup" in content and "Projet de santé (rédaction)" in content


def test_the_overlap_does_not_name_a_project_not_sent_to_the_ars(demo, login):
    client = login(demo["users"]["claire.martin"])

    response = client.get(reverse("diagnostics:territory-detail", args=["pic-saint-loup"]))

    content = response.content.decode()
    assert "revendiquées par un autre projet" in content
    assert "un autre projet de CPTS (non transmis)" in content
    assert "Lodévois" not in content and "Initiative" not in content


def test_reviewer_sees_the_overlap_of_his_departement(demo, login):
    client = login(demo["users"]["isabelle.moreau"])

    response = client.get(reverse("diagnostics:overlap-list"))

    content = response.content.decode()
    assert [c.code for c, _ in response.context["rows"]] == ["34274"]
    assert "CPTS du Pic Saint-Loup" in content
    # The other claimant, not yet sent to the ARS, is neither named nor staged.
    assert "un autre projet de CPTS (non transmis)" in content
    assert "Lodévois" not in content and "Initiative" not in content


def test_the_analyst_who_may_open_an_unsent_project_sees_its_name(demo, login):
    analyst = next(
        u for u in demo["users"].values() if u.memberships.filter(role="ANALYST").exists()
    )

    response = login(analyst).get(reverse("diagnostics:overlap-list"))

    content = response.content.decode()
    assert [c.code for c, _ in response.context["rows"]] == ["34274"]
    assert "CPTS Lodévois et Larzac" in content and "pas encore transmis" in content


def test_reviewer_of_another_departement_sees_no_overlap(demo, login):
    client = login(demo["users"]["camille.dupuis"])

    response = client.get(reverse("diagnostics:overlap-list"))

    assert response.context["rows"] == []


def test_demo_territories_match_the_referential(demo):
    pic = demo["projects"]["pic-saint-loup"]
    uzege = demo["projects"]["uzege-pont-du-gard"]

    assert territory_population(pic) == 51678
    assert territory_tier(pic) == 2
    assert list(uzege.departements.values_list("code", flat=True)) == ["30"]
    assert "30212" in set(
        Commune.objects.filter(territory_memberships__territory__project=uzege).values_list(
            "code", flat=True
        )
    )


@pytest.mark.parametrize(
    "codes",
    [["13055", "13201", "13001"], ["13201", "13001"], ["13055"], []],
)
def test_the_territory_population_counts_a_city_and_its_arrondissement_once(
    project, coordinator, codes
):
    """Summed by the database as total_population sums: Marseille's 1st arrondissement is in
    Marseille's population, so it is not added again when the city is there too (the
    services refuse both levels; rows of older data may still hold them)."""
    from diagnostics.models import TerritoryCommune

    territory = services.territory_get_or_create(project=project, by=coordinator)
    TerritoryCommune.objects.bulk_create(
        TerritoryCommune(territory=territory, commune_id=code) for code in codes
    )

    communes = list(Commune.objects.filter(code__in=codes))
    assert territory_population(project) == total_population(communes)
    if "13055" in codes:
        assert territory_population(project) == sum(
            c.population for c in communes if c.code != "13201"
        )
