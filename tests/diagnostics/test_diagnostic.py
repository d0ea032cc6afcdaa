import pytest
from django.urls import reverse

from diagnostics import services
from diagnostics.checks import deposit_gaps
from diagnostics.models import DiagnosticFigure, DiagnosticSection, Need

pytestmark = pytest.mark.django_db


def _management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _indicator(index, **values):
    row = {
        "kind": "INDICATOR",
        "label": "Part des 75 ans et plus",
        "area": "",
        "value": "10,5",
        "unit": "%",
        "year": "2022",
        "source": "INSEE",
        "comparison_value": "",
        "comparison_label": "",
    }
    row.update(values)
    return {f"ind-{index}-{name}": value for name, value in row.items()}


def test_coordinator_saves_a_section_with_indicators(project, coordinator, login):
    client = login(coordinator)
    url = reverse("diagnostics:section-edit", args=[project.slug, "population"])
    client.get(url)
    data = {
        "version": "1",
        "text": "Une population âgée.\n\n- Beaucoup de retraités",
        **_management("ind", 1),
        **_indicator(0, comparison_value="9,8", comparison_label="Hérault"),
    }

    response = client.post(url, data, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<li>Beaucoup de retraités</li>" in content
    assert "10,5\u00a0%" in content and "<svg" in content and "<title" in content
    section = DiagnosticSection.objects.get(project=project, key="population")
    assert section.version == 2
    assert "Part des 75 ans et plus : 10,5" in section.indicators_text


def test_invalid_indicator_answers_422_in_french(project, coordinator, login):
    client = login(coordinator)
    url = reverse("diagnostics:section-edit", args=[project.slug, "population"])
    client.get(url)
    data = {"version": "1", "text": "x", **_management("ind", 1), **_indicator(0, value="beaucoup")}

    response = client.post(url, data, HTTP_HX_REQUEST="true")

    assert response.status_code == 422
    assert "Saisissez un nombre" in response.content.decode()
    assert not DiagnosticFigure.objects.filter(section__project=project).exists()


def test_second_save_on_a_stale_version_is_refused_and_the_first_text_stays(
    project, coordinator, login
):
    client = login(coordinator)
    url = reverse("diagnostics:section-edit", args=[project.slug, "methode"])
    client.get(url)  # both coordinators opened the form at version 1
    first = {"version": "1", "text": "Texte de Camille", **_management("ind", 0)}
    second = {"version": "1", "text": "Texte de Dominique", **_management("ind", 0)}
    client.post(url, first, HTTP_HX_REQUEST="true")

    response = client.post(url, second, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert response.status_code == 409
    assert "Texte de Camille" in content  # the other person's version is shown
    assert "Texte de Dominique" in content  # the typed text is kept in the form
    assert 'name="version" value="2"' in content  # rebased on the current version
    section = DiagnosticSection.objects.get(project=project, key="methode")
    assert section.text == "Texte de Camille"


def test_section_history_shows_a_diff(project, coordinator, login):
    client = login(coordinator)
    section = services.section_get_or_create(project=project, key="pistes", by=coordinator)
    section = services.section_save(section=section, version=1, by=coordinator, text="Axe un")
    services.section_save(section=section, version=2, by=coordinator, text="Axe deux")

    response = client.get(reverse("diagnostics:section-history", args=[project.slug, "pistes"]))

    content = response.content.decode()
    assert "<del>un</del>" in content and "<ins>deux</ins>" in content


def test_needs_get_stable_identifiers(project, coordinator):
    section = services.section_get_or_create(project=project, key="besoins", by=coordinator)
    values = {"source": "Enquête", "priority": "HIGH"}
    section = services.section_save(
        section=section,
        version=1,
        by=coordinator,
        text="",
        needs=[
            services.Row(None, {"label": "Médecin traitant", **values}),
            services.Row(None, {"label": "Soins non programmés", **values}),
        ],
    )
    first = Need.objects.get(project=project, number=1)
    services.section_save(
        section=section,
        version=section.version,
        by=coordinator,
        text="",
        needs=[
            services.Row(first.pk, {"label": "Médecin traitant", **values}, delete=True),
            services.Row(None, {"label": "Prévention", **values}),
        ],
    )

    codes = {n.code: (n.label, n.withdrawn) for n in Need.objects.filter(project=project)}
    assert codes == {
        "B1": ("Médecin traitant", True),
        "B2": ("Soins non programmés", False),
        "B3": ("Prévention", False),
    }


def test_needs_form_creates_b1(project, coordinator, login):
    client = login(coordinator)
    url = reverse("diagnostics:section-edit", args=[project.slug, "besoins"])
    client.get(url)
    data = {
        "version": "1",
        "text": "",
        **_management("need", 1),
        "need-0-label": "Accès au médecin traitant",
        "need-0-source": "Rézone",
        "need-0-priority": "HIGH",
    }

    response = client.post(url, data, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "B1" in response.content.decode()
    assert Need.objects.get(project=project).code == "B1"


def test_diagnostic_page_shows_stale_data_and_charts(demo, login):
    client = login(demo["users"]["isabelle.moreau"])

    response = client.get(reverse("diagnostics:diagnostic-detail", args=["pic-saint-loup"]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "donnée ancienne" in content  # the 2021 screening rate
    assert content.count("<svg") >= 3
    assert "Population par tranche d&#x27;âge" in content
    assert "B5" in content
    assert "Modifier" not in content  # reviewers read only


def test_deposit_gaps_lists_what_is_missing(project, coordinator, demo):
    gaps = deposit_gaps(project)

    assert "Le territoire de la CPTS n'est pas défini : ajoutez ses communes." in gaps
    assert any("aucun besoin" in gap for gap in gaps)
    assert any("« Méthode »" in gap for gap in gaps)
    assert deposit_gaps(demo["projects"]["pic-saint-loup"]) == []


def test_demo_seed_is_idempotent(demo):
    from demo.diagnostics import seed

    section = DiagnosticSection.objects.get(
        project=demo["projects"]["pic-saint-loup"], key="population"
    )

    seed(demo)

    section.refresh_from_db()
    assert section.version == 2
    assert Need.objects.filter(project=demo["projects"]["pic-saint-loup"]).count() == 5


def test_cancel_renders_the_section_card_only(demo, login):
    client = login(demo["users"]["claire.martin"])

    response = client.get(
        reverse("diagnostics:diagnostic-detail", args=["pic-saint-loup"]),
        {"section": "besoins"},
        HTTP_HX_REQUEST="true",
    )

    content = response.content.decode()
    assert content.lstrip().startswith('<section id="besoins"')
    assert "B1" in content and "<html" not in content


def test_edit_form_shows_the_need_codes(demo, login):
    client = login(demo["users"]["claire.martin"])

    response = client.get(reverse("diagnostics:section-edit", args=["pic-saint-loup", "besoins"]))

    content = response.content.decode()
    assert '<th scope="row">B5</th>' in content
    assert 'name="version"' in content
