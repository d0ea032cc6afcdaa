"""Cells of the CSV and XLSX exports: what people typed never becomes a live formula.

A spreadsheet reads a cell starting with `=`, `+`, `-` or `@` (and, in some of them, a tab or a
carriage return before one) as a formula: a member named `=HYPERLINK("https://…")` would
become a link in the treasurer's workbook (CSV injection, OWASP). `safe_cell` neutralises such
a text the way OWASP recommends, behind a single quote, which spreadsheets show as it is;
numbers, dates and None stay what they are (a negative amount is a number, not a text).
`text_cell` and `append_row` also force the data type of the XLSX cells they write to string,
so that openpyxl never writes a formula from text. The exports' own formulas (totals written by
the code, never typed by a user) are written as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STRING = "s"  # openpyxl's data type of a text cell


def safe_cell(value: Any) -> Any:
    """`value`, with a single quote in front when it is a text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A row of a CSV writer or of `sheet.append`, every cell through `safe_cell`."""
    return [safe_cell(value) for value in values]


def text_cell(sheet, row: int, column: int, value: Any):
    """Write `value` in the XLSX cell as `safe_cell` makes it; a text stays a text."""
    cell = sheet.cell(row=row, column=column, value=safe_cell(value))
    if isinstance(value, str):
        cell.data_type = STRING
    return cell


def append_row(sheet, values: Iterable[Any]) -> None:
    """`sheet.append` of the row, every text a text."""
    values = list(values)
    sheet.append(safe_row(values))
    for cell, value in zip(sheet[sheet.max_row], values, strict=False):
        if isinstance(value, str):
            cell.data_type = STRING


def unquote_cell(value: str) -> str:
    """The text `safe_cell` neutralised, as it was: an import reads back the portal's export."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
