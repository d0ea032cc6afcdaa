"""Reading a CSV file as people export it from a spreadsheet or a statistics tool.

Accepted: `;`, `,` or tab as separator (the most frequent one in the first line; `;` when
there is none); UTF-8 with or without BOM, else Windows-1252, else Latin-1 (which reads any
byte). A binary file (a workbook saved as is, a PDF, UTF-16) is refused with a French message,
and so is a NUL byte anywhere else (no database text holds one), naming its line.
Each app checks the rows itself.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

DELIMITERS = (";", "\t", ",")  # by preference when they are as frequent
SNIFFED_BYTES = 2048  # where a NUL byte tells a binary file

NOT_A_CSV = (
    "Ce fichier n'est pas un CSV (classeur Excel ?). Dans votre tableur, choisissez "
    "« Enregistrer sous » puis le format CSV."
)


class CsvFileError(ValueError):
    """The file cannot be read as CSV; the message is French, for the user."""


@dataclass(frozen=True)
class CsvText:
    text: str
    encoding: str  # as users read it: "UTF-8", "UTF-8 (BOM)", "Windows-1252", "Latin-1"
    delimiter: str

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line of the file where the row ends, its cells) for each row, the header first.
        A malformed file raises CsvFileError naming the line."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as exc:
            raise CsvFileError(
                f"Ligne {reader.line_num} : le fichier CSV est mal formé ({exc})."
            ) from exc


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the name of its encoding."""
    body, utf8 = data, "UTF-8"
    if data.startswith(codecs.BOM_UTF8):
        body, utf8 = data[len(codecs.BOM_UTF8) :], "UTF-8 (BOM)"
    for codec, name in (("utf-8", utf8), ("cp1252", "Windows-1252")):
        try:
            return body.decode(codec), name
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1"), "Latin-1"


def sniff_delimiter(text: str) -> str:
    """The separator of the file: the most frequent of DELIMITERS in its first line."""
    first_line = next(iter(text.splitlines()), "")
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else DELIMITERS[0]


def read_csv(data: bytes) -> CsvText:
    """The file's text, encoding and separator; CsvFileError for a binary file."""
    if b"\x00" in data[:SNIFFED_BYTES]:
        raise CsvFileError(NOT_A_CSV)
    text, encoding = decode(data)
    nul = text.find("\x00")
    if nul >= 0:
        line = len(re.findall(r"\r\n|\r|\n", text[:nul])) + 1
        raise CsvFileError(
            f"Ligne {line} : le fichier contient un caractère nul (octet 0), qu'aucune donnée "
            "ne peut garder. Corrigez la ligne, ou enregistrez de nouveau le fichier en CSV "
            "depuis votre tableur."
        )
    return CsvText(text=text, encoding=encoding, delimiter=sniff_delimiter(text))
