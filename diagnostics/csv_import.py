"""Reading a CSV of indicators as people export it from a spreadsheet or a statistics tool.

Accepted: `;`, `,` or tab as separator; UTF-8 (with or without BOM) or Latin-1/Windows-1252;
French numbers ("1 234,5", "12,5 %") as well as "1234.5". Every row is checked and each
problem is reported with its line number in the file (the header is line 1), so that the
user can fix the file in his spreadsheet.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from cpts_portal.lib.csvfiles import CsvFileError, read_csv
from cpts_portal.lib.numbers import parse_french_decimal

from .models import DiagnosticFigure

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000

# Column -> accepted header spellings (compared without accents, case or punctuation).
COLUMNS = {
    "label": ["indicateur", "libelle", "label", "intitule", "nom"],
    "value": ["valeur", "value", "valeur territoire", "territoire"],
    "unit": ["unite", "unit"],
    "year": ["annee", "year", "millesime", "annee des donnees"],
    "source": ["source", "sources"],
    "comparison_value": [
        "valeur de comparaison",
        "comparaison",
        "reference",
        "valeur de reference",
        "valeur departement",
        "valeur france",
    ],
    "comparison_label": [
        "compare a",
        "perimetre de comparaison",
        "territoire de comparaison",
        "niveau de comparaison",
        "echelon de comparaison",
    ],
    "area": ["zone", "commune", "secteur"],
    "kind": ["type", "nature"],
}
REQUIRED = ("label", "value", "year", "source")
LABELS = {
    "label": "indicateur",
    "value": "valeur",
    "year": "année",
    "source": "source",
}
KINDS = {
    "indicateur": DiagnosticFigure.Kind.INDICATOR,
    "": DiagnosticFigure.Kind.INDICATOR,
    "tranche d'age": DiagnosticFigure.Kind.AGE_BRACKET,
    "tranche dage": DiagnosticFigure.Kind.AGE_BRACKET,
    "age": DiagnosticFigure.Kind.AGE_BRACKET,
    "tranche": DiagnosticFigure.Kind.AGE_BRACKET,
}
MAX_LENGTHS = {"label": 200, "area": 120, "unit": 40, "source": 200, "comparison_label": 80}
NUMBERS = ("value", "comparison_value")


class CsvError(ValueError):
    """The file as a whole cannot be read (the message is French)."""


@dataclass
class ParsedRow:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)


@dataclass
class ParsedFile:
    rows: list[ParsedRow]
    delimiter: str
    encoding: str

    @property
    def errors(self) -> list[str]:
        return [f"Ligne {row.line} : {error}" for row in self.rows for error in row.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.errors


def _simplify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("_", " ").replace("-", " ")
    return " ".join(text.replace("(", " ").replace(")", " ").replace(":", " ").split())


def _columns(header: list[str]) -> dict[str, int]:
    aliases = {alias: name for name, spellings in COLUMNS.items() for alias in spellings}
    columns = {}
    for index, title in enumerate(header):
        name = aliases.get(_simplify(title))
        if name and name not in columns:
            columns[name] = index
    missing = [LABELS[name] for name in REQUIRED if name not in columns]
    if missing:
        raise CsvError(
            "La première ligne doit nommer les colonnes ; il manque : "
            + ", ".join(f"« {m} »" for m in missing)
            + ". Colonnes attendues : indicateur ; valeur ; unité ; année ; source ; "
            "valeur de comparaison ; comparé à (les quatre premières obligatoires, sauf unité)."
        )
    return columns


def _check_row(line: int, cells: dict[str, str], today: dt.date) -> ParsedRow:
    row = ParsedRow(line=line, values={})
    errors = row.errors
    for name in ("label", "source"):
        if not cells.get(name, "").strip():
            errors.append(f"la colonne « {LABELS[name]} » est vide.")
    for name, limit in MAX_LENGTHS.items():
        value = cells.get(name, "").strip()
        if len(value) > limit:
            errors.append(f"« {value[:30]}… » dépasse {limit} caractères.")
        row.values[name] = value
    raw = cells.get("value", "").strip()
    if not raw:
        errors.append("la colonne « valeur » est vide.")
    else:
        try:
            row.values["value"] = _stored(parse_french_decimal(raw))
        except ValueError:
            errors.append(f"la valeur « {raw} » n'est pas un nombre.")
    raw = cells.get("comparison_value", "").strip()
    row.values["comparison_value"] = ""
    if raw:
        try:
            row.values["comparison_value"] = _stored(parse_french_decimal(raw))
        except ValueError:
            errors.append(f"la valeur de comparaison « {raw} » n'est pas un nombre.")
    raw = cells.get("year", "").strip()
    year = raw[:4] if len(raw) == 10 and raw[4] in "-/" else raw  # "2021-01-01"
    if len(raw) == 10 and raw[2] == "/" and raw[5] == "/":
        year = raw[6:]  # "01/01/2021"
    if not year.isdigit() or not 1900 <= int(year) <= today.year:
        errors.append(
            f"l'année « {raw} » n'est pas valable (attendu : une année comme {today.year - 2},"
            f" au plus tard {today.year})."
        )
    else:
        row.values["year"] = int(year)
    kind = KINDS.get(_simplify(cells.get("kind", "")))
    if kind is None:
        errors.append(
            f"le type « {cells.get('kind', '').strip()} » est inconnu "
            "(« indicateur » ou « tranche d'âge »)."
        )
    row.values["kind"] = kind or DiagnosticFigure.Kind.INDICATOR
    if not errors:
        errors.extend(_model_errors(row.values))
    if errors:
        row.values = {}
    return row


def _stored(number: Decimal) -> str:
    """The number as the database keeps it: rounded to the field's decimal places."""
    places = DiagnosticFigure._meta.get_field("value").decimal_places
    if number.as_tuple().exponent < -places:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return str(number)


def _model_errors(values: dict) -> list[str]:
    """What the model's own validation says of the row the confirmation will store, so that
    a row the preview accepts is never refused by the database (a value of 10^11…)."""
    fields = {**values, "comparison_value": values.get("comparison_value") or None}
    figure = DiagnosticFigure(**fields)
    try:
        figure.clean_fields(exclude=["section", "position"])
    except ValidationError as error:
        reasons = []
        for name, messages in error.message_dict.items():
            model_field = DiagnosticFigure._meta.get_field(name)
            if name in NUMBERS:
                whole = model_field.max_digits - model_field.decimal_places
                reasons.append(
                    f"{model_field.verbose_name} : « {values[name]} » compte trop de chiffres "
                    f"(au plus {whole} avant la virgule et {model_field.decimal_places} après)."
                )
                continue
            reasons.extend(
                f"{model_field.verbose_name} : {message.rstrip('.')}." for message in messages
            )
        return reasons
    return []


def parse(data: bytes, *, today: dt.date | None = None) -> ParsedFile:
    """Decode and check every row of the file; raises CsvError when it cannot be read."""
    today = today or dt.date.today()
    if not data.strip():
        raise CsvError("Le fichier est vide.")
    if len(data) > MAX_BYTES:
        raise CsvError("Le fichier dépasse 1 Mo : découpez-le en plusieurs fichiers.")
    try:
        source = read_csv(data)
        file_rows = source.rows()
        first = next(file_rows, None)
        if first is None:  # nothing but a BOM
            raise CsvError("Le fichier est vide.")
        columns = _columns(first[1])
        rows = []
        for line, cells in file_rows:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise CsvError(f"Le fichier dépasse {MAX_ROWS} lignes.")
            named = {
                name: (cells[index] if index < len(cells) else "")
                for name, index in columns.items()
            }
            rows.append(_check_row(line, named, today))
    except CsvFileError as exc:
        raise CsvError(str(exc)) from exc
    if not rows:
        raise CsvError("Le fichier ne contient aucune ligne de données sous les en-têtes.")
    return ParsedFile(rows=rows, delimiter=source.delimiter, encoding=source.encoding)
