"""XLSX and PDF exports of a simulation and of a budget.

Spreadsheets hold real numbers and formulas a treasurer can rework (never amounts as text),
with French number formats. PDFs are rendered by WeasyPrint from a print template; its
url_fetcher serves our static files only and refuses everything else.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cpts_portal.lib import pdf
from cpts_portal.lib.spreadsheets import text_cell

from .budget import BudgetView
from .models import EXPENSE_CATEGORIES, RESOURCE_CATEGORIES, AciMission, Category
from .simulation import Simulation

EURO_FORMAT = '#,##0 "€";-#,##0 "€"'
EURO_CENTS_FORMAT = '#,##0.00 "€";-#,##0.00 "€"'
PERCENT_FORMAT = "0 %"
DATE_FORMAT = "DD/MM/YYYY"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
BOLD = Font(bold=True)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(sheet, row: int, titles: list[str]) -> None:
    for column, title in enumerate(titles, 1):
        cell = sheet.cell(row=row, column=column, value=title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _widths(sheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _money(cell, cents: bool = False):
    cell.number_format = EURO_CENTS_FORMAT if cents else EURO_FORMAT
    return cell


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def simulation_xlsx(simulation: Simulation, *, title: str) -> bytes:
    funding = simulation.funding
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Financement annuel"
    text_cell(sheet, 1, 1, title).font = Font(bold=True, size=14)
    sheet["A2"] = (
        f"Barème {funding.bareme} — population {funding.population} habitants — "
        f"taille {funding.tier}"
    )
    _header(sheet, 4, ["Ligne", "Mission", "Montant du barème", "Taux d'atteinte", "Montant"])
    row = 5
    labels = dict(_mission_labels())
    for line in funding.lines:
        text_cell(sheet, row, 1, line.label)
        text_cell(sheet, row, 2, labels.get(line.mission, "Fonctionnement"))
        _money(sheet.cell(row=row, column=3, value=line.base), cents=True)
        rate = sheet.cell(row=row, column=4, value=line.rate)
        rate.number_format = PERCENT_FORMAT
        _money(sheet.cell(row=row, column=5, value=f"=ROUND(C{row}*D{row},2)"), cents=True)
        row += 1
    last = row - 1
    sheet.cell(row=row, column=1, value="Total annuel").font = BOLD
    _money(sheet.cell(row=row, column=5, value=f"=SUM(E5:E{last})"), cents=True).font = BOLD
    row += 1
    sheet.cell(row=row, column=1, value="dont volets variables")
    _money(
        sheet.cell(row=row, column=5, value=f'=SUMIF(A5:A{last},"Volet variable*",E5:E{last})'),
        cents=True,
    )
    row += 1
    sheet.cell(row=row, column=1, value="Total sur les 5 années du contrat")
    years_total_row = len(simulation.years) + 2
    _money(sheet.cell(row=row, column=5, value=f"='5 années'!E{years_total_row}"), cents=True)
    _widths(sheet, [62, 42, 18, 16, 18])

    years = workbook.create_sheet("5 années")
    _header(
        years,
        1,
        ["Année du contrat", "Fonctionnement", "Volets fixes", "Volets variables", "Total"],
    )
    for index, year in enumerate(simulation.years, 2):
        years.cell(row=index, column=1, value=index - 1)
        _money(years.cell(row=index, column=2, value=year.functioning_total))
        _money(years.cell(row=index, column=3, value=year.mission_fixed_total))
        _money(years.cell(row=index, column=4, value=year.variable_total))
        _money(years.cell(row=index, column=5, value=f"=SUM(B{index}:D{index})"))
    end = len(simulation.years) + 1
    years.cell(row=end + 1, column=1, value="Total").font = BOLD
    for column in "BCDE":
        _money(years[f"{column}{end + 1}"]).value = f"=SUM({column}2:{column}{end})"
    _widths(years, [18, 18, 18, 18, 18])

    schedule = workbook.create_sheet("Échéancier")
    _header(schedule, 1, ["Date", "Année", "Versement", "Détail", "Montant"])
    row = 2
    for payment in simulation.payments:
        for line in payment.lines:
            date = schedule.cell(row=row, column=1, value=payment.date)
            date.number_format = DATE_FORMAT
            schedule.cell(row=row, column=2, value=payment.year)
            text_cell(schedule, row, 3, payment.label)
            text_cell(schedule, row, 4, line.label)
            _money(schedule.cell(row=row, column=5, value=line.amount), cents=True)
            row += 1
    schedule.cell(row=row, column=4, value="Total des 5 années").font = BOLD
    _money(schedule.cell(row=row, column=5, value=f"=SUM(E2:E{row - 1})"), cents=True).font = BOLD
    _widths(schedule, [13, 8, 46, 70, 16])
    return _save(workbook)


def _mission_labels():
    return AciMission.choices


def budget_xlsx(view: BudgetView, *, title: str) -> bytes:
    """One block per table (expenses and resources by category, totals, gap) and the global
    table, every total a formula over the cells above it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Budget prévisionnel"
    text_cell(sheet, 1, 1, title).font = Font(bold=True, size=14)
    if view.funding:
        sheet["A2"] = (
            f"Ressources ACI : barème {view.funding.bareme}, taille {view.funding.tier} "
            f"({view.population} habitants), volets variables à 100 %"
        )
    row = 4
    totals = []  # (title, expense cell, resource cell)
    for table in view.tables:
        text_cell(sheet, row, 1, table.title).font = Font(bold=True, size=12)
        row += 1
        _header(sheet, row, ["Dépenses", "Montant", "Ressources", "Montant"])
        row += 1
        first = row
        expenses = [(Category(c).label, table.expense_by_category(c)) for c in EXPENSE_CATEGORIES]
        resources = [
            (Category(c).label, table.resource_by_category(c)) for c in RESOURCE_CATEGORIES
        ]
        for index in range(max(len(expenses), len(resources))):
            if index < len(expenses):
                text_cell(sheet, row, 1, expenses[index][0])
                _money(sheet.cell(row=row, column=2, value=expenses[index][1]))
            if index < len(resources):
                text_cell(sheet, row, 3, resources[index][0])
                _money(sheet.cell(row=row, column=4, value=resources[index][1]))
            row += 1
        last = row - 1
        sheet.cell(row=row, column=1, value="Total dépenses").font = BOLD
        _money(sheet.cell(row=row, column=2, value=f"=SUM(B{first}:B{last})")).font = BOLD
        sheet.cell(row=row, column=3, value="Total ressources").font = BOLD
        _money(sheet.cell(row=row, column=4, value=f"=SUM(D{first}:D{last})")).font = BOLD
        totals.append((table.title, f"B{row}", f"D{row}"))
        row += 1
        sheet.cell(row=row, column=3, value="Écart (ressources − dépenses)")
        _money(sheet.cell(row=row, column=4, value=f"=D{row - 1}-B{row - 1}"))
        row += 2

    sheet.cell(row=row, column=1, value="Budget global de la CPTS").font = Font(bold=True, size=12)
    row += 1
    _header(sheet, row, ["Partie", "Dépenses", "Ressources", "Écart"])
    row += 1
    first = row
    for table_title, expense_cell, resource_cell in totals:
        text_cell(sheet, row, 1, table_title)
        _money(sheet.cell(row=row, column=2, value=f"={expense_cell}"))
        _money(sheet.cell(row=row, column=3, value=f"={resource_cell}"))
        _money(sheet.cell(row=row, column=4, value=f"=C{row}-B{row}"))
        row += 1
    last = row - 1
    sheet.cell(row=row, column=1, value="Total").font = BOLD
    for column in "BCD":
        _money(sheet[f"{column}{row}"]).value = f"=SUM({column}{first}:{column}{last})"
        sheet[f"{column}{row}"].font = BOLD
    _widths(sheet, [60, 16, 40, 16])

    detail = workbook.create_sheet("Détail des lignes")
    _header(detail, 1, ["Partie", "Côté", "Catégorie", "Libellé", "Montant"])
    row = 2
    for table in view.tables:
        for side, rows in (("Dépenses", table.expenses), ("Ressources", table.resources)):
            for item in rows:
                text_cell(detail, row, 1, table.title)
                text_cell(detail, row, 2, side)
                text_cell(detail, row, 3, item.category_label)
                text_cell(detail, row, 4, item.label)
                _money(detail.cell(row=row, column=5, value=item.amount), cents=True)
                row += 1
    _widths(detail, [50, 12, 36, 60, 16])

    grants = workbook.create_sheet("Autres financements")
    _header(grants, 1, ["Financeur", "Objet", "Type", "Statut", "Montant", "Début", "Fin"])
    for row, grant in enumerate(view.grants, 2):
        text_cell(grants, row, 1, grant.funder)
        text_cell(grants, row, 2, grant.title)
        text_cell(grants, row, 3, grant.get_kind_display())
        text_cell(grants, row, 4, grant.get_status_display())
        _money(grants.cell(row=row, column=5, value=grant.amount), cents=True)
        for column, value in ((6, grant.start_date), (7, grant.end_date)):
            grants.cell(row=row, column=column, value=value).number_format = DATE_FORMAT
    _widths(grants, [36, 40, 36, 12, 16, 13, 13])
    return _save(workbook)


# --- PDF (cpts_portal.lib.pdf: our static files only) ---------------------------------


SIMULATION_PDF_TEMPLATE = "funding/simulation_pdf.html"


def simulation_pdf_context(simulation: Simulation, *, project=None) -> dict:
    """What SIMULATION_PDF_TEMPLATE prints: the same for the simulator's PDF (rendered at
    once, no project) and for a project's document (rendered by Celery, lifecycle.documents)."""
    title = "Simulation du financement ACI"
    return {
        "title": f"{title} — {project.name}" if project else title,
        "project": project,
        "result": simulation,
        "chart": simulation.chart(),
        "generated_on": timezone.localdate(),
    }


def render_pdf(template: str, context: dict) -> bytes:
    return pdf.html_to_pdf(render_to_string(template, context))
