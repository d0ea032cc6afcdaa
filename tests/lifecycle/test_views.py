import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from projects.models import Deposit
from tests.factories import make_membership, make_project, make_user

pytestmark = pytest.mark.django_db


def test_workspace_shows_the_stage_and_the_team(demo, login):
    client = login(demo["users"]["sophie.garnier"])

    response = client.get(reverse("lifecycle:project-detail", args=["pic-saint-loup"]))

    content = response.content.decode()
    assert "CPTS du Pic Saint-Loup" in content
    assert 'aria-current="step"' in content
    assert "Projet de santé (rédaction)" in content
    assert "Votre rôle : membre du bureau" in content
    assert "Claire Martin" in content and "pilote d&#x27;action" in content
    assert "Transmis à l'ARS" not in content
    assert "transmise à la DD ARS et à la CPAM le 12/03/2026" in content


def test_workspace_names_the_document_each_date_belongs_to(demo, login):
    deposit = Deposit.objects.get(project__slug="uzege-pont-du-gard")

    content = (
        login(demo["users"]["thomas.lefevre"])
        .get(reverse("lifecycle:project-detail", args=["uzege-pont-du-gard"]))
        .content.decode()
        .replace("&#x27;", "'")
    )

    assert "Lettre d'intention</dt>" in content
    assert "transmise à la DD ARS et à la CPAM le 20/01/2026" in content
    assert "Projet de santé</dt>" in content
    assert (
        f"déposé sur le portail le {deposit.deposited_at.astimezone():%d/%m/%Y} (dépôt n°1) ; "
        f"reçu par l'ARS le {deposit.received_date:%d/%m/%Y}"
    ) in content
    assert f"Projet de santé reçu par l'ARS le {deposit.received_date:%d/%m/%Y}" in content


def test_workspace_does_not_show_the_team_to_reviewers(demo, login):
    client = login(demo["users"]["isabelle.moreau"])

    response = client.get(reverse("lifecycle:project-detail", args=["pic-saint-loup"]))

    assert "Vous instruisez ce projet" in response.content.decode()
    assert "Karim Benali" not in response.content.decode()


def test_review_queue_lists_the_projects_of_the_reviewer_scope_only(demo, login):
    client = login(demo["users"]["isabelle.moreau"])

    response = client.get(reverse("lifecycle:review-queue"))

    names = [p.name for p in response.context["page"]]
    assert names == ["CPTS du Bassin de Thau", "CPTS du Pic Saint-Loup"]  # none under review
    for project in response.context["page"]:
        link = reverse("lifecycle:project-detail", args=[project.slug])
        assert f'<a href="{link}">{project.name}</a>' in response.content.decode()


def test_review_queue_filters_by_departement_and_stage(demo, login):
    client = login(demo["users"]["pierre.blanc"])

    by_departement = client.get(reverse("lifecycle:review-queue"), {"departement": "30"})
    by_stage = client.get(reverse("lifecycle:review-queue"), {"stage": "REDACTION"})

    assert [p.slug for p in by_departement.context["page"]] == ["uzege-pont-du-gard"]
    assert [p.slug for p in by_stage.context["page"]] == ["pic-saint-loup"]
    # The form keeps the choice made, labelled, and offers the scope's départements only.
    page = by_departement.content.decode()
    assert '<label class="form-label" for="id_departement">Département</label>' in page
    assert '<option value="30" selected>' in page
    assert '<option value="REDACTION" selected>' in by_stage.content.decode()
    outside = client.get(reverse("lifecycle:review-queue"), {"departement": "75"}).content
    assert b'value="75"' not in outside and b"is-invalid" not in outside


def test_analyst_overview_counts_projects_by_stage(demo, login):
    client = login(demo["users"]["helene.rousseau"])

    response = client.get(reverse("lifecycle:analyst-overview"))

    stages = {value: count for value, _, count in response.context["stages"]}
    assert stages["INITIATIVE"] == 1
    assert stages["REDACTION"] == 1
    assert stages["INSTRUCTION"] == 1
    assert response.context["total"] == 4


def test_home_offers_a_choice_to_a_user_with_several_workspaces(demo, login):
    user = demo["users"]["julien.roux"]
    make_membership(
        user=user, organisation=demo["organisations"]["cpts-uzege-pont-du-gard"], role="MEMBER"
    )
    client = login(user)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert {d["label"] for d in response.context["destinations"]} == {
        "CPTS du Pic Saint-Loup",
        "CPTS Uzège – Pont du Gard",
    }


def test_home_explains_what_to_do_without_any_organisation(referential, login):
    client = login(make_user())

    response = client.get(reverse("home"))

    assert "rattaché à aucune organisation" in response.content.decode()


def test_error_pages_are_in_french(demo, login, settings):
    settings.DEBUG = False
    client = login(demo["users"]["karim.benali"])

    not_found = client.get("/projets/uzege-pont-du-gard/")
    forbidden = client.get(reverse("lifecycle:review-queue"))

    assert not_found.status_code == 404 and "Page introuvable" in not_found.content.decode()
    assert forbidden.status_code == 403 and "Accès refusé" in forbidden.content.decode()


def test_pages_carry_a_strict_content_security_policy(demo, login):
    client = login(demo["users"]["claire.martin"])

    response = client.get(reverse("lifecycle:project-detail", args=["pic-saint-loup"]))

    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "script-src 'self' 'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    scripts = response.content.decode().count("<script")
    assert response.content.decode().count(f'nonce="{nonce}"') == scripts


# --- Queries do not grow with the data ------------------------------------------------------


def _add_projects(count, organisation_kind="CPTS"):
    for _ in range(count):
        make_project(departements=["34", "30"], submitted_at="2026-02-01T10:00Z")


def _add_team(organisation, count):
    for _ in range(count):
        make_membership(organisation=organisation, role=Membership.Role.MEMBER)


@pytest.mark.parametrize(
    ("url", "user"),
    [
        ("/instruction/", "pierre.blanc"),
        ("/analyse/", "helene.rousseau"),
        ("/projets/pic-saint-loup/", "claire.martin"),
    ],
)
def test_page_queries_do_not_grow_with_the_data(demo, login, django_assert_num_queries, url, user):
    client = login(demo["users"][user])
    _add_projects(2)
    _add_team(demo["organisations"]["cpts-pic-saint-loup"], 2)
    client.get(url)  # warm the caches (content types, sessions)
    cache.clear()  # the analyst overview keeps its figures: measure the pages computing them
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    _add_projects(60)
    _add_team(demo["organisations"]["cpts-pic-saint-loup"], 60)

    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def _bulk_projects(count: int) -> None:
    """`count` transmitted projects in the Hérault and the Gard, each with a deposit."""
    import datetime as dt

    from accounts.models import Organisation
    from projects.models import Deposit, Project

    start = Project.objects.count()
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"CPTS en masse {start + i}", slug=f"masse-{start + i}", kind="CPTS")
        for i in range(count)
    )
    projects = Project.objects.bulk_create(
        Project(
            organisation=organisation,
            name=f"CPTS en masse {start + i}",
            slug=f"masse-{start + i}",
            state="DEPOSITED",
            stage="INSTRUCTION",
            submitted_at="2026-09-01T10:00Z",
        )
        for i, organisation in enumerate(organisations)
    )
    through = Project.departements.through
    through.objects.bulk_create(
        through(project_id=p.pk, departement_id="34" if i % 2 else "30")
        for i, p in enumerate(projects)
    )
    Deposit.objects.bulk_create(
        Deposit(
            project=p,
            number=1,
            received_date=dt.date(2026, 10, 1) + dt.timedelta(days=i % 40),
            clock_start_date=dt.date(2026, 10, 1) + dt.timedelta(days=i % 40),
        )
        for i, p in enumerate(projects)
    )


@pytest.mark.parametrize(
    ("url", "user"),
    [
        ("/instruction/", "pierre.blanc"),
        ("/analyse/", "helene.rousseau"),
        ("/projets/uzege-pont-du-gard/echeances/", "henri.vidal"),  # the bureau's dashboard
        ("/projets/bassin-de-thau/echeances/", "marc.olivier"),  # under contract
        ("/projets/bassin-de-thau/suivi/", "marc.olivier"),
    ],
)
def test_queue_and_overview_queries_are_the_same_with_10_and_1000_projects(
    demo, login, django_assert_num_queries, url, user
):
    client = login(demo["users"][user])
    _bulk_projects(10)
    client.get(url)
    cache.clear()  # the analyst overview keeps its figures: measure the pages computing them
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    _bulk_projects(990)

    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    if "page" in response.context:  # the lists: every project is counted
        assert response.context["page"].paginator.count >= 1000


def test_the_overview_figures_are_kept_until_the_data_changes(demo, login):
    client = login(demo["users"]["helene.rousseau"])
    url = reverse("lifecycle:analyst-overview")
    client.get(url)

    with CaptureQueriesContext(connection) as cached:
        first = client.get(url)
    _bulk_projects(1)
    with CaptureQueriesContext(connection) as recomputed:
        second = client.get(url)

    assert len(cached.captured_queries) < len(recomputed.captured_queries)
    assert second.context["total"] == first.context["total"] + 1

    # The table by area is written once per content: the new figures show at once.
    def area_row(response, code):
        html = response.content.decode()
        start = html.index(f"({code})</th>")
        return html[start : html.index("</tr>", start)]

    assert area_row(second, "34") != area_row(first, "34") or area_row(second, "30") != area_row(
        first, "30"
    )


def test_the_analyst_sees_each_departement_with_the_funding_committed(demo, login):
    from projects.models import Contract, Project

    client = login(demo["users"]["helene.rousseau"])

    response = client.get(reverse("lifecycle:analyst-overview"))

    table = response.context["by_area"]
    rows = {row["code"]: row for row in table["rows"]}
    assert set(rows) == {"30", "34"}
    stages = [value for value, _ in Project.Stage.choices]
    herault = dict(zip(stages, rows["34"]["counts"], strict=True))
    assert herault == {**dict.fromkeys(stages, 0), "INITIATIVE": 1, "REDACTION": 1, "SUIVI": 1}
    committed = Contract.objects.get(project__slug="bassin-de-thau").annual_amount
    assert committed > 0
    assert rows["34"]["contracts"] == 1 and rows["34"]["committed"] == committed
    assert table["totals"] == {"contracts": 1, "committed": committed}
    page = response.content.decode().replace("\u202f", " ").replace("\u00a0", " ")
    assert f"{int(committed):,} €".replace(",", " ") in page


def test_the_queue_filters_what_is_late(demo, login):
    """Late: the Bassin de Thau, whose second yearly dialogue (due on 02/09/2026) is not
    signed; never a review past its deadline (réputé validé)."""
    import datetime as dt

    from projects.models import Deposit

    client = login(demo["users"]["pierre.blanc"])  # the regional Inter URPS sees all three
    url = reverse("lifecycle:review-queue")

    late = client.get(url, {"late": "on"})
    everything = client.get(url)

    assert [p.slug for p in late.context["page"]] == ["bassin-de-thau"]
    assert len(everything.context["page"]) == 3
    assert "dialogue de gestion à tenir" in late.content.decode()
    # The review clock ran out: the Uzège project is réputé validé, not late (issue 15).
    deposit = Deposit.objects.get(project__slug="uzege-pont-du-gard")
    today = dt.date.today()
    deposit.clock_start_date = today.replace(day=1) - dt.timedelta(days=70)
    deposit.save()
    response = client.get(url, {"late": "on"})
    assert [p.slug for p in response.context["page"]] == ["bassin-de-thau"]
    everything = client.get(url).content.decode()
    assert "réputé validé" in everything


def test_a_national_view_groups_by_region_and_counts_each_contract_once(demo, login):
    from projects.models import Contract

    thau = demo["projects"]["bassin-de-thau"]
    thau.departements.add("30")  # over two départements of Occitanie
    client = login(demo["users"]["admin"])

    table = client.get(reverse("lifecycle:analyst-overview")).context["by_area"]

    assert table["by_region"] is True
    rows = {row["code"]: row for row in table["rows"]}
    assert set(rows) == {"76"}
    assert sum(rows["76"]["counts"]) == 4
    committed = Contract.objects.get(project=thau).annual_amount
    assert rows["76"]["contracts"] == 1 and rows["76"]["committed"] == committed


def test_the_overview_counts_its_projects_with_and_without_a_filter(demo, login):
    """Without a filter the page takes its total from the overview's figures (no count of
    its own); a filter counts what it keeps."""
    client = login(demo["users"]["helene.rousseau"])
    url = reverse("lifecycle:analyst-overview")
    everything = client.get(url).context
    assert everything["page"].paginator.count == everything["total"] >= 2
    assert len(everything["page"]) == min(everything["total"], 25)
    one = client.get(url, {"q": "Thau"}).context["page"]
    assert one.paginator.count == 1
    assert [p.slug for p in one] == ["bassin-de-thau"]


@pytest.mark.parametrize("user", ["isabelle.moreau", "pierre.blanc"])
def test_the_queue_filter_offers_the_departements_of_the_review_scope(demo, login, user):
    """A départemental body's départements; a regional body's region."""
    import re

    from geo.models import Departement

    reviewer = demo["users"][user]
    membership = next(m for m in reviewer.active_memberships if m.is_review_role)
    organisation = membership.organisation
    if organisation.scope == "REGION":
        expected = set(
            Departement.objects.filter(region_id=organisation.region_id).values_list(
                "code", flat=True
            )
        )
    else:
        expected = {d.code for d in organisation.departements.all()}
    page = login(reviewer).get(reverse("lifecycle:review-queue")).content.decode()
    select = page[
        page.index('<select name="departement"') : page.index(
            "</select>", page.index('<select name="departement"')
        )
    ]
    offered = set(re.findall(r'<option value="(\w+)"', select))
    assert expected and offered == expected
