"""Members as CSV (UTF-8 with BOM, `;`, what French spreadsheets open) or XLSX."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from cpts_portal.lib.spreadsheets import append_row, safe_row

from .imports import COLUMNS
from .models import Member


def _row(member: Member) -> list:
    return [
        member.last_name,
        member.first_name,
        member.get_profession_display(),
        member.rpps,
        member.structure_name,
        member.get_structure_kind_display(),
        member.representative,
        member.commune_id or "",
        member.email,
        member.phone,
        "actif" if member.votes else "partenaire",
        member.adhesion_date.strftime("%d/%m/%Y") if member.adhesion_date else "",
        member.get_fee_status_display(),
        member.leaving_date.strftime("%d/%m/%Y") if member.leaving_date else "",
    ]


HEADER = [label for _, label, _ in COLUMNS]


def members_csv(members: list[Member]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    for member in members:
        writer.writerow(safe_row(_row(member)))
    return "\ufeff" + buffer.getvalue()


def members_xlsx(members: list[Member]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Membres"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for member in members:
        append_row(sheet, _row(member))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
