"""The history pages read their authors by id (`with_authors`), never by joining the users'
table to the history: at national scale (75 000 users) PostgreSQL reads that table whole for
the join. Each page still names who made each change, and "Système" for a change without
author."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpts_portal.lib.versioning import history_entries, with_authors
from diagnostics import services as diagnostics_services
from funding.models import Budget, BudgetLine
from governance import services as governance_services
from governance.models import Association
from projects.models import Avis

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"
UZEGE = "uzege-pont-du-gard"


def _login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def _association(demo, client):
    """Claire changes the association's seat; a change without author comes after it."""
    association = Association.objects.get(project__slug=PIC)
    association = governance_services.association_save(
        project=association.project,
        by=demo["users"]["claire.martin"],
        fields={"seat": "Mairie de Saint-Mathieu-de-Tréviers"},
        version=association.version,
    )
    governance_services.association_save(
        project=association.project,
        by=None,
        fields={"seat": "Mairie des Matelles"},
        version=association.version,
    )
    return reverse("governance:association-history", args=[PIC])


def _budget_line(demo, client):
    line = BudgetLine.objects.get(budget__project__slug=PIC, number=2)
    _login(client, demo["users"]["claire.martin"])
    response = client.post(
        reverse("funding:line-update", args=[PIC, 2]),
        {"version": line.version, "category": "SALAIRES", "label": line.label, "amount": "35000"},
    )
    assert response.status_code in (200, 302)
    return reverse("funding:line-history", args=[PIC, 2])


def _budget(demo, client):
    """Claire changes the budget's settings and deletes a line (both listed on the page)."""
    budget = Budget.objects.get(project__slug=PIC)
    line = BudgetLine.objects.get(budget=budget, number=3)
    _login(client, demo["users"]["claire.martin"])
    settings = client.post(
        reverse("funding:budget-settings", args=[PIC]),
        {"version": budget.version, "population": "60000", "missions": ["parcours"]},
    )
    deleted = client.post(reverse("funding:line-delete", args=[PIC, 3]), {"version": line.version})
    assert settings.status_code == 302 and deleted.status_code == 302
    return reverse("funding:budget-history", args=[PIC])


def _section(demo, client):
    claire = demo["users"]["claire.martin"]
    section = diagnostics_services.section_get_or_create(
        project=demo["projects"][PIC], key="pistes", by=claire
    )
    diagnostics_services.section_save(
        section=section, version=section.version, by=claire, text="Axe révisé"
    )
    return reverse("diagnostics:section-history", args=[PIC, "pistes"])


def _avis(demo, client):
    avis = Avis.objects.get(deposit__project__slug=UZEGE, body="ARS_DD")
    _login(client, demo["users"]["camille.dupuis"])
    url = reverse("lifecycle:avis-detail", args=[UZEGE, "ARS_DD"])
    response = client.post(
        url, {"motivation": "Première version", "version": avis.version, "operation": "save"}
    )
    assert response.status_code == 302
    return url


# (page, the change made, who reads the page, the author's name as the page shows it)
PAGES = [
    ("governance:association-history", _association, "isabelle.moreau", "<strong>Claire Martin"),
    ("funding:line-history", _budget_line, "sophie.garnier", "<strong>Claire Martin"),
    ("funding:budget-history", _budget, "sophie.garnier", "<strong>Claire Martin"),
    ("funding:budget-history (deleted line)", _budget, "sophie.garnier", "par Claire Martin"),
    ("diagnostics:section-history", _section, "sophie.garnier", "<strong>Claire Martin"),
    ("lifecycle:avis-detail", _avis, "laurent.bonnet", "— Camille Dupuis"),
]


@pytest.mark.parametrize(
    ("change", "reader", "author"), [case[1:] for case in PAGES], ids=[case[0] for case in PAGES]
)
def test_a_history_page_names_its_authors_without_joining_the_users_table(
    demo, client, change, reader, author
):
    url = change(demo, client)
    _login(client, demo["users"][reader])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert author in response.content.decode()
    history_queries = [q["sql"] for q in queries.captured_queries if "historical" in q["sql"]]
    assert history_queries, "the page reads a history"
    joined = [sql for sql in history_queries if '"accounts_user"' in sql]
    assert joined == [], "a history joined to the users' table"


def test_a_change_without_author_still_shows_systeme(demo, client):
    url = _association(demo, client)
    _login(client, demo["users"]["isabelle.moreau"])

    content = client.get(url).content.decode()

    assert "<strong>Système</strong>" in content
    assert "<strong>Claire Martin</strong>" in content


def test_with_authors_reads_every_author_in_one_query(demo, client, django_assert_num_queries):
    _association(demo, client)
    records = Association.objects.get(project__slug=PIC).history.all()[:3]

    with django_assert_num_queries(2):  # the records, then their authors
        records = with_authors(records)
    with django_assert_num_queries(0):
        authors = [record.history_user for record in records]
        entries = history_entries(records)

    assert [str(user) if user else None for user in authors][:2] == [None, "Claire Martin"]
    assert [entry.by for entry in entries] == authors
    assert records[0].history_user_id is None
    assert records[1].history_user_id == demo["users"]["claire.martin"].pk


def test_the_territory_journal_names_its_authors_without_joining_the_users_table(demo, client):
    """TerritoryChange is no historical record: its author is `by`, read by id all the same."""
    diagnostics_services.territory_add_commune(project=demo["projects"][PIC], code="34172", by=None)
    _login(client, demo["users"]["sophie.garnier"])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("diagnostics:territory-history", args=[PIC]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<td>Claire Martin</td>" in content  # the demo territory, drawn by its coordinator
    assert "<td>Système</td>" in content
    sqls = [q["sql"] for q in queries.captured_queries]
    assert any("diagnostics_territorychange" in sql for sql in sqls), "the page reads the journal"
    joined = [sql for sql in sqls if 'JOIN "accounts_user"' in sql]
    assert joined == [], "a query joined to the users' table"
