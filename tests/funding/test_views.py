import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpts_portal.lib.pdf import PdfResourceError, static_file
from cpts_portal.lib.versioning import save_versioned, value_choices
from demo.funding import DEMO_PDF
from funding.models import GENERAL_PART, Budget, BudgetLine, Grant
from funding.services import budget_line_create

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\u00a0"
PIC = "pic-saint-loup"
UZEGE = "uzege-pont-du-gard"


def fr(amount: int) -> str:
    """252000 -> '252 000 €' as the portal prints it."""
    return f"{amount:,}".replace(",", NNBSP) + NBSP + "€"


def url(name, *args):
    return reverse(f"funding:{name}", args=args)


GUIDE = {
    "population": "52000",
    "missions": ["acces_soins", "parcours", "prevention"],
    "snp_orientation": "on",
    "signature_date": "2025-01-31",
}


# --- Simulator ---------------------------------------------------------------------------


def test_simulator_shows_the_guide_illustration(demo, login):
    client = login(demo["users"]["isabelle.moreau"])

    response = client.get(url("simulator"), GUIDE)

    content = response.content.decode()
    assert response.status_code == 200
    assert fr(252_000) in content
    assert fr(1_260_000) in content
    assert "<svg" in content and "Année 5" in content
    assert len(response.context["result"].payments) == 10
    assert "31/03/2026" in content
    assert "de 40&nbsp;000 à 80&nbsp;000 habitants inclus" in content


def test_simulator_applies_the_attainment_rates(demo, login):
    client = login(demo["users"]["isabelle.moreau"])

    response = client.get(url("simulator"), {**GUIDE, "taux_parcours": "50"})

    assert response.context["result"].funding.total == Decimal(252_000 - 17_500)
    assert fr(252_000 - 17_500) in response.content.decode()


def test_simulator_refuses_a_rate_above_100_in_french(demo, login):
    client = login(demo["users"]["isabelle.moreau"])

    response = client.get(url("simulator"), {**GUIDE, "taux_parcours": "120"})

    assert response.context["result"] is None
    assert "inférieure ou égale à 100" in response.content.decode()


def test_simulator_is_prefilled_for_a_cpts_member(demo, login):
    client = login(demo["users"]["karim.benali"])

    response = client.get(url("simulator"))

    form = response.context["form"]
    assert form.is_bound and form.cleaned_data["population"] > 0
    assert response.context["result"] is not None


def test_project_simulator_is_prefilled_from_the_budget(demo, login):
    client = login(demo["users"]["helene.rousseau"])

    response = client.get(url("project-simulator", PIC))

    result = response.context["result"]
    assert result.funding.tier == 2
    assert result.funding.total == Decimal(252_000)


def test_simulator_xlsx_holds_numbers_and_formulas(demo, login):
    client = login(demo["users"]["isabelle.moreau"])

    response = client.get(url("simulator-xlsx"), {**GUIDE, "taux_prevention": "40"})

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Financement annuel"]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    lines = [row for row in rows if isinstance(row[2], int | float | Decimal)]
    assert sum(Decimal(str(r[2])) * Decimal(str(r[3])) for r in lines) == Decimal(243_000)
    assert sheet["E5"].value == "=ROUND(C5*D5,2)"
    assert sheet["C5"].number_format.startswith("#,##0")
    assert any(str(r[4]).startswith("=SUM(E5:") for r in rows)
    years = workbook["5 années"]
    assert [years[f"B{row}"].value for row in range(2, 7)] == [60_000] * 5
    assert years["E7"].value == "=SUM(E2:E6)"
    assert "='5 années'!E7" in [r[4] for r in rows]
    schedule = workbook["Échéancier"]
    amounts = [r[4] for r in schedule.iter_rows(min_row=2, values_only=True)]
    assert sum(a for a in amounts if isinstance(a, int | float)) == 5 * 243_000
    assert isinstance(schedule["A2"].value, dt.datetime)


def test_simulator_pdf_is_a_pdf(demo, login):
    client = login(demo["users"]["isabelle.moreau"])

    response = client.get(url("simulator-pdf"), GUIDE)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "address",
    [
        "https://example.org/static/css/portal.css",
        "file:///etc/passwd",
        "https://cpts-portal.invalid/media/secret.pdf",
        "https://cpts-portal.invalid/static/../settings.py",
        "https://cpts-portal.invalid/static/css/absent.css",
    ],
)
def test_pdf_url_fetcher_refuses_anything_but_our_static_files(address):
    with pytest.raises(PdfResourceError):
        static_file(address)


def test_pdf_url_fetcher_serves_a_static_file():
    content, mime_type = static_file("https://cpts-portal.invalid/static/css/funding.css")

    assert b".funding-chart" in content
    assert mime_type == "text/css"


# --- Budget --------------------------------------------------------------------------------


def test_budget_shows_balanced_tables_and_the_aci_resources(demo, login):
    client = login(demo["users"]["sophie.garnier"])

    response = client.get(url("budget-detail", PIC))

    content = response.content.decode()
    view = response.context["view"]
    assert [t.part for t in view.tables] == ["", "acces_soins", "parcours", "prevention"]
    assert all(t.balanced for t in view.tables)
    assert fr(92_000) in content  # accès aux soins with the SNP orientation, size 2
    assert "Modifier les paramètres" not in content  # a bureau member reads


def test_budget_shows_the_gap_of_an_unbalanced_table(demo, login):
    # The demo Uzège, deposited, is balanced: 3 000 € more of expenses unbalance prevention.
    line = BudgetLine.objects.get(
        budget__project__slug=UZEGE, label="Matériel d'ateliers et transport"
    )
    BudgetLine.objects.filter(pk=line.pk).update(amount=line.amount + 3_000)
    client = login(demo["users"]["thomas.lefevre"])

    response = client.get(url("budget-detail", UZEGE))

    prevention = response.context["view"].table("prevention")
    assert prevention.gap == Decimal(-3_000)
    assert "Non équilibré — écart : -" + fr(3_000) in response.content.decode()


def test_budget_create_starts_with_the_socle_missions(demo, login):
    project = demo["projects"]["lodevois-larzac"]
    client = login(demo["users"]["nadia.mercier"])

    response = client.post(url("budget-create", project.slug))

    assert response.status_code == 302
    assert Budget.objects.get(project=project).missions == ["acces_soins", "parcours", "prevention"]


def test_line_create_with_htmx_answers_the_table_and_the_global_total(demo, login):
    client = login(demo["users"]["claire.martin"])

    response = client.post(
        url("line-create", PIC),
        {"part": "parcours", "category": "MATERIEL", "label": "Tablettes", "amount": "1 500,50"},
        HTTP_HX_REQUEST="true",
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="partie-parcours"' in content and 'hx-swap-oob="true"' in content
    assert "Tablettes" in content
    line = BudgetLine.objects.get(label="Tablettes")
    assert (line.part, line.side, line.amount) == ("parcours", "EXPENSE", Decimal("1500.50"))
    # Whole euros unless the amount has cents: the gap keeps its 50 cents.
    assert "Non équilibré — écart : -1" + NNBSP + "500,50" + NBSP + "€" in content


def test_line_create_refuses_an_invalid_amount_with_422(demo, login):
    client = login(demo["users"]["claire.martin"])

    response = client.post(
        url("line-create", PIC),
        {"part": "", "category": "SALAIRES", "label": "Secrétaire", "amount": "beaucoup"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    assert "Saisissez un montant en euros" in response.content.decode()
    # What the user typed comes back in the form (the empty forms of the page are cached).
    assert 'value="Secrétaire"' in response.content.decode()
    assert 'value="beaucoup"' in response.content.decode()
    assert not BudgetLine.objects.filter(label="Secrétaire").exists()


def test_each_table_has_its_own_add_line_fields(demo, login):
    """The empty "add a line" fields are written once per table anchor and reused: every
    table of the page still has its own ids, labelled, and an empty value."""
    client = login(demo["users"]["claire.martin"])
    content = client.get(url("budget-detail", PIC)).content.decode()
    for _ in range(2):  # the second page comes from the cache
        anchors = re.findall(r'<section class="budget-part mb-4" id="([^"]+)"', content)
        assert len(anchors) >= 2
        for anchor in anchors:
            assert f'<label for="id_{anchor}_label"' in content
            assert f'id="id_{anchor}_label"' in content
        assert content.count('name="label"') == len(anchors)
        content = client.get(url("budget-detail", PIC)).content.decode()


def test_line_create_refuses_an_aci_category(demo, login):
    client = login(demo["users"]["claire.martin"])

    response = client.post(
        url("line-create", PIC),
        {"part": "", "category": "ACI_FIXE", "label": "ACI", "amount": "10"},
    )

    assert response.status_code == 422


def test_line_update_saves_a_new_version_with_history(demo, login):
    client = login(demo["users"]["claire.martin"])
    line = BudgetLine.objects.get(budget__project__slug=PIC, number=2)

    response = client.post(
        url("line-update", PIC, 2),
        {"version": line.version, "category": "SALAIRES", "label": line.label, "amount": "35000"},
        HTTP_HX_REQUEST="true",
    )
    history = client.get(url("line-history", PIC, 2))

    line.refresh_from_db()
    assert response.status_code == 200
    assert line.amount == Decimal(35_000) and line.version == 2
    assert "modification" in history.content.decode()


def test_line_update_on_a_stale_version_answers_409_and_keeps_the_other_edit(demo, login):
    client = login(demo["users"]["claire.martin"])
    line = BudgetLine.objects.get(budget__project__slug=PIC, number=2)
    stale = line.version
    client.post(
        url("line-update", PIC, 2),
        {"version": stale, "category": "SALAIRES", "label": line.label, "amount": "35000"},
    )

    response = client.post(
        url("line-update", PIC, 2),
        {"version": stale, "category": "SALAIRES", "label": "Mon libellé", "amount": "1"},
        HTTP_HX_REQUEST="true",
    )

    line.refresh_from_db()
    assert response.status_code == 409
    assert "Modification refusée" in response.content.decode()
    assert "Mon libellé" in response.content.decode()
    assert line.amount == Decimal(35_000)


def test_line_delete_removes_the_line(demo, login):
    client = login(demo["users"]["claire.martin"])
    line = BudgetLine.objects.get(budget__project__slug=PIC, number=3)

    response = client.post(url("line-delete", PIC, 3), {"version": line.version})

    history = client.get(url("budget-history", PIC))

    assert response.status_code == 302
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    assert f"« {line.label} »" in history.content.decode().replace("&#x27;", "'")
    assert "Claire Martin" in history.content.decode()


def test_settings_change_updates_the_aci_resources(demo, login):
    client = login(demo["users"]["claire.martin"])
    budget = Budget.objects.get(project__slug=PIC)

    response = client.post(
        url("budget-settings", PIC),
        {
            "version": budget.version,
            "population": "52000",
            "missions": ["acces_soins", "parcours", "prevention", "qualite"],
            "signature_date": "",
        },
    )
    page = client.get(url("budget-detail", PIC))

    assert response.status_code == 302
    view = page.context["view"]
    assert view.table("qualite").resource_total == Decimal(20_000)
    assert view.table("acces_soins").resource_total == Decimal(47_000)  # no SNP orientation


def test_settings_on_a_stale_version_answer_409(demo, login):
    client = login(demo["users"]["claire.martin"])
    budget = Budget.objects.get(project__slug=PIC)

    response = client.post(
        url("budget-settings", PIC),
        {"version": budget.version + 5, "population": "10", "missions": ["parcours"]},
    )

    assert response.status_code == 409
    assert Budget.objects.get(pk=budget.pk).missions != ["parcours"]


def test_budget_xlsx_holds_the_figures_of_the_page(demo, login):
    client = login(demo["users"]["isabelle.moreau"])
    page = client.get(url("budget-detail", PIC)).context["view"]

    response = client.get(url("budget-xlsx", PIC))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Budget prévisionnel"]
    cells = {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row}
    titles = {}  # first occurrence: the table's heading (the global table repeats the titles)
    for (row, column), value in sorted(cells.items()):
        if column == 1:
            titles.setdefault(value, row)
    for table in page.tables:
        header = titles[table.title] + 1
        total_row = next(
            r for r in range(header, header + 20) if cells.get((r, 1)) == "Total dépenses"
        )
        expenses = sum(cells.get((r, 2)) or 0 for r in range(header + 1, total_row))
        resources = sum(cells.get((r, 4)) or 0 for r in range(header + 1, total_row))
        assert Decimal(str(expenses)) == table.expense_total
        assert Decimal(str(resources)) == table.resource_total
        assert cells[(total_row, 2)] == f"=SUM(B{header + 1}:B{total_row - 1})"
        assert cells[(total_row + 1, 4)] == f"=D{total_row}-B{total_row}"


def test_budget_page_queries_do_not_grow_with_lines(demo, login, django_assert_num_queries):
    client = login(demo["users"]["claire.martin"])
    client.get(url("budget-detail", PIC))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(url("budget-detail", PIC))
    budget = Budget.objects.get(project__slug=PIC)
    user = demo["users"]["claire.martin"]
    for index in range(30):
        budget_line_create(
            budget=budget,
            by=user,
            part="parcours",
            category="MATERIEL",
            label=f"L{index}",
            amount=1,
        )
    Grant.objects.create(
        project=budget.project, number=9, kind="LOCALE", funder="Commune", title="x", amount=1
    )

    with django_assert_num_queries(len(few)):
        client.get(url("budget-detail", PIC))


# --- Other grants -------------------------------------------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office/>")
    return buffer.getvalue()


GRANT = {
    "kind": "LOCALE",
    "funder": "Communauté de communes",
    "title": "Location de salle",
    "amount": "4 000",
    "status": "ACCORDEE",
}


@pytest.mark.parametrize(
    ("name", "content"),
    [("arrete.pdf", DEMO_PDF), ("convention.docx", _docx()), ("convention.odt", _odt())],
)
def test_grant_create_with_an_accepted_document(demo, login, name, content):
    client = login(demo["users"]["claire.martin"])

    response = client.post(
        url("grant-create", PIC), {**GRANT, "document": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 302
    grant = Grant.objects.get(project__slug=PIC, title="Location de salle")
    assert grant.amount == Decimal(4_000)
    document = grant.documents.get()
    download = client.get(url("grant-document", PIC, grant.number, document.number))
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"].startswith("attachment")
    assert name in download["Content-Disposition"]
    # Stored under a path that says nothing of the project, the grant or the file's name.
    stored = document.file.name
    assert name.rsplit(".", 1)[0] not in stored and f"/{grant.project_id}/" not in stored
    assert stored.endswith(name[name.rindex(".") :])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00 not a pdf", "n&#x27;est pas un document PDF, ODT ou DOCX"),
        ("notes.docx", b"PK\x03\x04" + b"\x00" * 60, "n&#x27;est pas un document PDF, ODT"),
        ("arrete.docx", DEMO_PDF, "renommez-le en .pdf"),
        ("gros.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "pèse 10,0 Mo : la limite est de 10 Mo"),
    ],
)
def test_grant_create_refuses_other_documents(demo, login, name, content, message):
    client = login(demo["users"]["claire.martin"])

    response = client.post(
        url("grant-create", PIC), {**GRANT, "document": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Grant.objects.filter(title="Location de salle").exists()


def test_grant_update_on_a_stale_version_answers_409(demo, login):
    client = login(demo["users"]["claire.martin"])
    grant = Grant.objects.get(project__slug=PIC, number=1)

    response = client.post(url("grant-update", PIC, 1), {**GRANT, "version": grant.version + 1})

    assert response.status_code == 409
    grant.refresh_from_db()
    assert grant.title != "Location de salle"


def test_accepted_grants_are_shown_beside_the_aci(demo, login):
    client = login(demo["users"]["claire.martin"])

    response = client.get(url("budget-detail", PIC))

    assert response.context["view"].grants_total == Decimal(30_000)
    assert "ARS Occitanie (FIR)" in response.content.decode()


def test_settings_refuse_a_mission_the_bareme_does_not_fund(demo, login):
    client = login(demo["users"]["claire.martin"])
    budget = Budget.objects.get(project__slug=PIC)

    response = client.post(
        url("budget-settings", PIC),
        {"version": budget.version, "population": "52000", "missions": ["parcours", "crise"]},
    )

    assert response.status_code == 422
    assert "ne finance pas la mission" in response.content.decode()


def test_admin_enters_a_later_bareme(demo, login):
    client = login(demo["users"]["admin"])

    response = client.get(reverse("admin:funding_bareme_changelist"))
    detail = client.get(reverse("admin:funding_bareme_add"))

    assert "ACI-2019" in response.content.decode()
    assert detail.status_code == 200


def test_line_update_with_htmx_get_opens_the_form_inside_the_table(demo, login):
    client = login(demo["users"]["claire.martin"])

    response = client.get(url("line-update", PIC, 1), HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert 'id="partie-generale"' in content
    assert 'class="edit-row"' in content and 'name="version"' in content
    assert 'id="id_ligne1_amount"' in content


def test_line_pages_work_without_javascript(demo, login):
    client = login(demo["users"]["claire.martin"])

    create = client.get(url("line-create", PIC), {"part": "parcours"})
    created = client.post(
        url("line-create", PIC),
        {"part": "parcours", "category": "AUTRE_RESSOURCE", "label": "Mairie", "amount": "500"},
    )
    unknown = client.get(url("line-create", PIC), {"part": "inconnue"})

    assert "Mission — Parcours" in create.content.decode()
    assert created.status_code == 302 and created.url.endswith("#partie-parcours")
    assert BudgetLine.objects.get(label="Mairie").side == "RESOURCE"
    assert unknown.status_code == 404


def test_budget_history_lists_the_settings_changes(demo, login):
    client = login(demo["users"]["claire.martin"])
    budget = Budget.objects.get(project__slug=PIC)
    client.post(
        url("budget-settings", PIC),
        {"version": budget.version, "population": "60000", "missions": ["parcours"]},
    )

    response = client.get(url("budget-history", PIC))

    content = response.content.decode()
    assert "Claire Martin" in content and "modification" in content
    assert "60000" in content


def test_line_history_names_the_parts_of_the_line(demo, login):
    """The part is a code ("" or a mission): the history shows the labels of its choices."""
    claire = demo["users"]["claire.martin"]
    line = BudgetLine.objects.get(budget__project__slug=PIC, part="acces_soins", number=5)
    save_versioned(line, version=line.version, by=claire, fields={"part": "parcours"})

    content = login(claire).get(url("line-history", PIC, 5)).content.decode()

    assert "<dt>Partie</dt>" in content
    assert "Accès aux soins (missions 1a et 1b)</del>" in content
    assert "<ins>Parcours pluriprofessionnels (mission 2)</ins>" in content


def test_a_line_of_a_mission_removed_from_the_contract_stays_valid(demo):
    """The parts are the choices of the field: every ACI mission, contracted or not."""
    line = BudgetLine.objects.get(budget__project__slug=PIC, part="acces_soins", number=5)
    Budget.objects.filter(pk=line.budget_id).update(missions=["parcours"])
    line.refresh_from_db()

    line.full_clean()  # a mission no longer contracted
    line.part = GENERAL_PART
    line.full_clean()
    assert dict(value_choices(BudgetLine._meta.get_field("part")))[""] == "Fonctionnement général"
    line.part = "inconnue"
    with pytest.raises(ValidationError) as refused:
        line.full_clean()
    assert set(refused.value.message_dict) == {"part"}


def test_project_simulator_of_a_signed_contract_keeps_its_bareme(demo, login):
    from funding.models import Bareme

    Bareme.objects.create(name="ACI-futur", effective_date=dt.date(2030, 1, 1))
    Budget.objects.filter(project__slug=PIC).update(signature_date=dt.date(2026, 9, 1))
    client = login(demo["users"]["claire.martin"])

    response = client.get(url("project-simulator", PIC))

    result = response.context["result"]
    assert result.funding.bareme == "ACI-2019"
    assert result.payments[0].date == dt.date(2026, 9, 1)


def _csrf_of_delete_form(content: str, number: int) -> str:
    form = re.search(
        rf'<form class="d-inline" method="post" action="[^"]*/lignes/{number}/supprimer/"[^>]*>'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">',
        content,
    )
    assert form, f"no delete form for line {number}"
    return form.group(1)


def test_kept_budget_tables_carry_each_readers_own_csrf_token(demo):
    """The budget tables are written once per content and kept; their forms still carry the
    CSRF token of the request that shows them: a second person's page, whose tables come from
    the kept ones, deletes a line with the token it shows (CSRF checks enforced)."""
    from django.test import Client

    from funding.views import TABLES
    from tests.factories import make_membership

    TABLES.clear()
    lines = list(BudgetLine.objects.filter(budget__project__slug=PIC).order_by("number"))
    assert len(lines) >= 2
    second_coordinator = make_membership(
        organisation=demo["organisations"]["cpts-pic-saint-loup"], role="COORDINATOR"
    ).user
    pages = {}
    for user in (demo["users"]["claire.martin"], second_coordinator):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        response = client.get(url("budget-detail", PIC))
        assert response.context["can_edit"], user
        content = response.content.decode()
        assert "csrf-placeholder" not in content
        pages[user.pk] = (client, content)
    (first, first_page), (second, second_page) = pages.values()
    # The second page is the kept one: same tables, its own token.
    line = lines[1]
    token = _csrf_of_delete_form(second_page, line.number)
    assert token != _csrf_of_delete_form(first_page, line.number)
    refused = second.post(
        url("line-delete", PIC, line.number), {"version": line.version}
    )  # no token: refused
    assert refused.status_code == 403
    deleted = second.post(
        url("line-delete", PIC, line.number),
        {"version": line.version, "csrfmiddlewaretoken": token},
    )
    assert deleted.status_code in (200, 302)
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    # The table changed: the next page shows it without the line.
    again = first.get(url("budget-detail", PIC)).content.decode()
    assert f"/lignes/{line.number}/supprimer/" not in again
