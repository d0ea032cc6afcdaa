import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.models import Fiche, Indicator, SubAction
from missions.services import fiche_create, row_create
from tests.factories import make_membership

pytestmark = pytest.mark.django_db


def _url(name, *args, slug="pic-saint-loup"):
    return reverse(f"missions:{name}", args=[slug, *args])


def test_fiche_page_shows_every_part_of_the_template_to_a_reader(demo, login):
    client = login(demo["users"]["sophie.garnier"])

    response = client.get(_url("fiche-detail", 1))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Proposer un médecin traitant aux patients fragiles" in content
    for title in (
        "Pilote",
        "Membres du groupe de travail",
        "Problématiques, objectifs et public cible",
        "Sous-actions et répartition des tâches",
        "Indicateurs de suivi et de résultat",
        "Planning prévisionnel",
        "Moyens nécessaires et ressources disponibles",
        "Freins, leviers et budget",
    ):
        assert title in content
    assert "14\u202f500\u00a0€" in content
    assert "04/01/2027" in content
    assert 'name="version"' not in content
    assert "Lecture seule" in content


def test_fiche_page_gives_an_editor_a_versioned_form_per_section_and_row(demo, login):
    client = login(demo["users"]["julien.roux"])

    response = client.get(_url("fiche-detail", 1))

    content = response.content.decode()
    fiche = Fiche.objects.get(project=demo["projects"]["pic-saint-loup"], number=1)
    rows = 2 + 3 + 2  # members, sub-actions, indicators
    assert content.count('name="version"') == 6 + rows
    assert content.count(f'name="version" value="{fiche.version}"') >= 6
    assert 'hx-post="/projets/pic-saint-loup/fiches/1/sections/constats/"' in content
    assert 'href="/projets/pic-saint-loup/fiches/1/supprimer/"' not in content  # pilot


def test_section_save_in_place_answers_the_fragment_and_the_new_version(demo, htmx):
    client = htmx(demo["users"]["julien.roux"])
    fiche = Fiche.objects.get(project=demo["projects"]["pic-saint-loup"], number=1)

    response = client.post(
        _url("fiche-section", 1, "constats"),
        {
            "version": fiche.version,
            "problems": "Nouveau constat",
            "objectives": "- Un objectif",
            "target_public": "Tous",
        },
    )

    fiche.refresh_from_db()
    assert response.status_code == 200
    assert fiche.problems == "Nouveau constat" and fiche.updated_by.email.startswith("julien")
    assert 'id="section-constats"' in response.content.decode()
    assert "<html" not in response.content.decode()
    assert 'id="fiche-heading" hx-swap-oob="true"' in response.content.decode()
    assert '"fiche-version"' in response.headers["HX-Trigger"]
    assert f'"to": {fiche.version}' in response.headers["HX-Trigger"]


def test_stale_section_save_is_refused_and_keeps_the_typed_text(demo, htmx):
    client = htmx(demo["users"]["claire.martin"])
    fiche = Fiche.objects.get(project=demo["projects"]["pic-saint-loup"], number=1)
    stale = fiche.version
    client.post(
        _url("fiche-section", 1, "constats"),
        {"version": stale, "problems": "Version de Claire", "objectives": "x"},
    )
    other = htmx(demo["users"]["julien.roux"])

    response = other.post(
        _url("fiche-section", 1, "constats"),
        {"version": stale, "problems": "Texte de Julien", "objectives": "y"},
    )

    content = response.content.decode()
    fiche.refresh_from_db()
    assert response.status_code == 409
    assert fiche.problems == "Version de Claire"
    assert "Texte de Julien" in content  # still in the form
    assert "Version de Claire" in content and "Claire Martin" in content  # the other version
    assert f'name="version" value="{fiche.version}"' in content  # rebased


def test_invalid_section_answers_422_with_french_errors(demo, htmx):
    client = htmx(demo["users"]["claire.martin"])
    fiche = Fiche.objects.get(project=demo["projects"]["pic-saint-loup"], number=1)

    response = client.post(
        _url("fiche-section", 1, "planning"),
        {"version": fiche.version, "start_date": "2027-05-01", "end_date": "2027-01-01"},
    )

    assert response.status_code == 422
    assert "L&#x27;échéance finale doit suivre le démarrage." in response.content.decode()


def test_pilot_edits_his_fiche_but_not_another(demo, htmx):
    client = htmx(demo["users"]["julien.roux"])
    fiche = Fiche.objects.get(project=demo["projects"]["pic-saint-loup"], number=2)

    response = client.post(
        _url("fiche-section", 2, "constats"), {"version": fiche.version, "problems": "x"}
    )

    assert response.status_code == 403
    fiche.refresh_from_db()
    assert fiche.problems != "x"


def test_coordinator_creates_a_fiche_with_the_next_number(demo, login):
    client = login(demo["users"]["claire.martin"])
    mission_2 = demo["projects"]["pic-saint-loup"].fiches.get(number=3).mission

    response = client.post(
        _url("fiche-create"),
        {"title": "Parcours diabète", "mission": mission_2.pk, "pilot": ""},
    )

    assert response.status_code == 302
    assert response.url == "/projets/pic-saint-loup/fiches/7/"
    assert Fiche.objects.get(project__slug="pic-saint-loup", number=7).title == "Parcours diabète"


def test_rows_are_added_reordered_and_removed_in_place(demo, htmx):
    client = htmx(demo["users"]["julien.roux"])

    added = client.post(
        _url("row-create", 1, "sous-actions"),
        {"what": "Relancer les patients", "who": "Secrétariat", "status": "PLANNED"},
    )
    moved = client.post(_url("row-move", 1, "sous-actions", 4), {"direction": "up"})
    fiche = Fiche.objects.get(project=demo["projects"]["pic-saint-loup"], number=1)
    third = fiche.sub_actions.get(number=3)
    removed = client.post(_url("row-delete", 1, "sous-actions", 3), {"version": third.version})

    assert added.status_code == moved.status_code == removed.status_code == 200
    assert [s.number for s in fiche.sub_actions.all()] == [1, 2, 4]
    assert 'hx-preserve="true"' in moved.content.decode()
    assert "Ligne n° 3 supprimée." in removed.content.decode()


def test_stale_row_save_is_refused(demo, htmx):
    client = htmx(demo["users"]["claire.martin"])
    row = SubAction.objects.get(fiche__project__slug="pic-saint-loup", fiche__number=1, number=1)
    data = {"what": "Première version", "status": "PLANNED", "version": row.version}
    client.post(_url("row-update", 1, "sous-actions", 1), data)

    response = client.post(
        _url("row-update", 1, "sous-actions", 1), data | {"what": "Seconde version"}
    )

    row.refresh_from_db()
    assert response.status_code == 409
    assert row.what == "Première version"
    assert "Seconde version" in response.content.decode()


def test_history_shows_who_changed_what(demo, htmx, login):
    client = htmx(demo["users"]["julien.roux"])
    fiche = Fiche.objects.get(project=demo["projects"]["pic-saint-loup"], number=1)
    client.post(
        _url("fiche-section", 1, "constats"),
        {"version": fiche.version, "problems": "Un constat révisé", "objectives": "o"},
    )
    client.post(
        _url("row-create", 1, "indicateurs"), {"name": "Délai d'orientation", "kind": "FOLLOW_UP"}
    )

    response = login(demo["users"]["sophie.garnier"]).get(_url("fiche-history", 1))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Julien Roux" in content
    assert "<ins>Un constat révisé</ins>" in content
    assert "Problématiques constatées" in content
    assert "Indicateur n° 3 « Délai d&#x27;orientation »" in content
    assert "<ins>400</ins>" in content  # the demo indicator's target, in French
    assert "création" in content


def test_overview_shows_the_socle_missions_of_the_bareme(demo, login):
    # Guide: "les trois missions socles" — the crisis mission (6) is "susceptible d'être
    # assurée par les CPTS" under ACI-2019: the demo Pic Saint-Loup, without a crisis fiche,
    # lacks nothing on the missions side.
    client = login(demo["users"]["karim.benali"])

    response = client.get(_url("mission-list"))

    assert response.status_code == 200
    assert response.context["gaps"] == []
    assert response.context["required_codes"] == "1a, 1b, 2, 3"
    content = response.content.decode()
    assert "les missions socle du barème ACI-2019" in content
    assert "Part des patients en ALD sans médecin traitant" in content
    assert "avenant 2" not in content


# --- Queries do not grow with the data ---------------------------------------------------


def _add_fiches(project, mission, user, count):
    for index in range(count):
        fiche = fiche_create(project=project, by=user, mission=mission, title=f"Action {index}")
        row_create(fiche=fiche, model=Indicator, by=user, fields={"name": "Indicateur"})


@pytest.mark.parametrize("page", ["mission-list", "fiche-detail", "fiche-history"])
@pytest.mark.parametrize("user", ["claire.martin", "sophie.garnier"])
def test_pages_make_the_same_queries_with_5_and_200_fiches(
    demo, login, django_assert_num_queries, page, user
):
    project = demo["projects"]["pic-saint-loup"]
    coordinator = demo["users"]["claire.martin"]
    mission = project.fiches.get(number=5).mission
    make_membership(organisation=demo["organisations"]["cpts-pic-saint-loup"], role="MEMBER")
    args = [] if page == "mission-list" else [1]
    client = login(demo["users"][user])
    client.get(_url(page, *args))  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url(page, *args)).status_code == 200
    assert project.fiches.count() == 6

    _add_fiches(project, mission, coordinator, 194)

    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(_url(page, *args)).status_code == 200


def test_without_javascript_a_section_save_returns_to_the_fiche(demo, login):
    client = login(demo["users"]["claire.martin"])
    fiche = Fiche.objects.get(project=demo["projects"]["pic-saint-loup"], number=2)

    response = client.post(
        _url("fiche-section", 2, "freins"),
        {"version": fiche.version, "obstacles": "Peu de volontaires", "budget": "12 500,50"},
    )

    fiche.refresh_from_db()
    assert response.status_code == 302
    assert response.url == "/projets/pic-saint-loup/fiches/2/#section-freins"
    assert (fiche.obstacles, str(fiche.budget)) == ("Peu de volontaires", "12500.50")


def test_readers_cannot_add_rows(demo, htmx):
    client = htmx(demo["users"]["sophie.garnier"])

    response = client.post(_url("row-create", 1, "sous-actions"), {"what": "x"})

    assert response.status_code == 403
    assert not SubAction.objects.filter(what="x").exists()


def test_deleting_a_row_changed_meanwhile_is_refused_and_shows_it(demo, htmx):
    client = htmx(demo["users"]["claire.martin"])
    row = SubAction.objects.get(fiche__project__slug="pic-saint-loup", fiche__number=1, number=2)
    stale = row.version
    client.post(
        _url("row-update", 1, "sous-actions", 2),
        {"what": "Texte changé", "status": "PLANNED", "version": stale},
    )

    response = client.post(_url("row-delete", 1, "sous-actions", 2), {"version": stale})

    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#row-sous-actions-2"
    assert "Texte changé" in response.content.decode()
    assert SubAction.objects.filter(pk=row.pk).exists()


def test_coordinator_deletes_a_fiche_after_confirmation(demo, login):
    client = login(demo["users"]["claire.martin"])
    fiche = Fiche.objects.get(project=demo["projects"]["pic-saint-loup"], number=5)

    confirm = client.get(_url("fiche-delete", 5))
    response = client.post(_url("fiche-delete", 5), {"version": fiche.version})

    assert "Supprimer la fiche-action n° 5" in confirm.content.decode()
    assert response.status_code == 302
    assert not Fiche.objects.filter(pk=fiche.pk).exists()
    assert (
        fiche_create(
            project=demo["projects"]["pic-saint-loup"],
            by=demo["users"]["claire.martin"],
            mission=fiche.mission,
            title="Nouvelle",
        ).number
        == 7
    )


def test_a_fiche_points_to_the_diagnostic_needs_it_answers(demo, htmx, login):
    from diagnostics.models import Need

    client = htmx(demo["users"]["julien.roux"])
    fiche = Fiche.objects.get(project=demo["projects"]["pic-saint-loup"], number=1)
    needs = {n.code: n for n in Need.objects.filter(project=fiche.project)}
    other_project_need = Need.objects.filter(project__slug="uzege-pont-du-gard").first()

    refused = client.post(
        _url("fiche-section", 1, "constats"),
        {"version": fiche.version, "needs": [other_project_need.pk], "problems": "x"},
    )
    client.post(
        _url("fiche-section", 1, "constats"),
        {"version": fiche.version, "needs": [needs["B1"].pk, needs["B3"].pk], "problems": "x"},
    )

    assert refused.status_code == 422
    assert set(fiche.needs.values_list("number", flat=True)) == {1, 3}
    history = login(demo["users"]["claire.martin"]).get(_url("fiche-history", 1))
    assert "B1, B3" in history.content.decode()
    # The fiche page checks the needs it answers (twice: its form is then written from the
    # process's cache of unchanged fiches).
    for _ in range(2):
        page = login(demo["users"]["claire.martin"]).get(_url("fiche-detail", 1)).content.decode()
        checked = {int(pk) for pk in re.findall(r'name="needs" value="(\d+)" checked', page)}
        assert checked == {needs["B1"].pk, needs["B3"].pk}


def test_the_rows_of_the_fiche_page_carry_their_own_urls(demo, login):
    """The row URLs are built from one reversed prefix: each is the URL Django reverses."""
    project = demo["projects"]["pic-saint-loup"]
    response = login(demo["users"]["claire.martin"]).get(_url("fiche-detail", 1))
    rows = [item for block in response.context["blocks"] for item in block.get("rows") or []]
    assert rows
    for item in rows:
        args = [project.slug, 1, item["kind"].key, item["row"].number]
        assert item["url"] == reverse("missions:row-update", args=args)
        assert item["move_url"] == reverse("missions:row-move", args=args)
        assert item["delete_url"] == reverse("missions:row-delete", args=args)


def test_a_row_saved_by_someone_else_shows_its_new_text_and_version_on_the_next_page(
    demo, login, htmx
):
    """The rows' edit forms of unchanged rows are written once per process: a saved row is
    never served from there, or the next form would carry the old text and version."""
    reader = login(demo["users"]["claire.martin"])
    row = SubAction.objects.get(fiche__project__slug="pic-saint-loup", fiche__number=1, number=1)
    first = reader.get(_url("fiche-detail", 1)).content.decode()
    assert f'value="{row.version}"' in first

    htmx(demo["users"]["julien.roux"]).post(
        _url("row-update", 1, "sous-actions", 1),
        {"what": "Texte changé par Julien", "status": "PLANNED", "version": row.version},
    )

    row.refresh_from_db()
    page = reader.get(_url("fiche-detail", 1)).content.decode()
    assert "Texte changé par Julien" in page
    form = page.split('id="row-sous-actions-1"', 1)[1].split("</form>", 1)[0]
    assert f'name="version" value="{row.version}"' in form


def test_a_person_joining_the_cpts_is_offered_in_the_working_group_rows(demo, login):
    client = login(demo["users"]["claire.martin"])
    client.get(_url("fiche-detail", 1))
    newcomer = make_membership(
        organisation=demo["organisations"]["cpts-pic-saint-loup"], role="MEMBER"
    ).user

    page = client.get(_url("fiche-detail", 1)).content.decode()

    rows = page.split('id="rows-membres"', 1)[1].split('id="nouveau-membres"', 1)[0]
    assert f'<option value="{newcomer.pk}"' in rows


def test_a_need_added_to_the_diagnostic_is_offered_in_the_fiche_at_once(demo, login):
    """The sections' forms of an unchanged fiche are written once per process too: a new need
    of the diagnostic (the "constats" choices) or a new title (another save) shows at once."""
    from diagnostics.models import Need

    project = demo["projects"]["pic-saint-loup"]
    client = login(demo["users"]["claire.martin"])
    client.get(_url("fiche-detail", 1))
    Need.objects.create(project=project, number=99, label="Besoin ajouté au diagnostic")

    page = client.get(_url("fiche-detail", 1)).content.decode()

    constats = page.split('id="section-constats"', 1)[1].split("</form>", 1)[0]
    assert "Besoin ajouté au diagnostic" in constats
    fiche = Fiche.objects.get(project=project, number=1)
    from missions.services import fiche_update

    fiche_update(
        fiche=fiche, by=demo["users"]["julien.roux"], version=fiche.version,
        fields={"title": "Titre changé par Julien"},
    )  # fmt: skip
    page = client.get(_url("fiche-detail", 1)).content.decode()
    constats = page.split('id="section-constats"', 1)[1].split("</form>", 1)[0]
    title = page.split('id="section-intitule"', 1)[1].split("</form>", 1)[0]
    assert 'value="Titre changé par Julien"' in title
    fiche.refresh_from_db()
    assert f'name="version" value="{fiche.version}"' in constats
