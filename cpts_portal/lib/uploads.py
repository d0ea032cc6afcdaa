"""Uploaded documents: PDF, ODT or DOCX, recognised by their content (not their name), 10 MB
at most. Every upload form of the portal checks its file here."""

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError

MAX_SIZE = 10 * 1024 * 1024
PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", ODT: ".odt", DOCX: ".docx"}
ACCEPTED = "PDF, ODT ou DOCX"


@dataclass(frozen=True)
class Checked:
    content_type: str
    extension: str


def _zip_kind(upload) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared == ODT:
                    return ODT
            if "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        return None
    return None


def check_upload(upload) -> Checked:
    """The upload's real type, or a ValidationError in French."""
    if upload.size > MAX_SIZE:
        megabytes = f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")  # French: 10,5 Mo
        raise ValidationError(f"Le fichier pèse {megabytes} Mo : la limite est de 10 Mo.")
    if upload.size == 0:
        raise ValidationError("Le fichier est vide.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
        upload.seek(0)
    if kind is None:
        raise ValidationError(
            f"Le contenu de ce fichier n'est pas un document {ACCEPTED} valide "
            "(le nom du fichier ne suffit pas)."
        )
    extension = PurePosixPath(upload.name or "").suffix.lower()
    if extension != EXTENSIONS[kind]:
        raise ValidationError(
            f"Le nom du fichier se termine par « {extension or '(rien)'} » mais son contenu est "
            f"un document {EXTENSIONS[kind][1:].upper()} : renommez-le en "
            f"{EXTENSIONS[kind]}."
        )
    return Checked(content_type=kind, extension=EXTENSIONS[kind])
