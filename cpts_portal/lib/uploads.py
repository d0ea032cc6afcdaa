"""Uploaded documents: PDF, ODT or DOCX, recognised by their content (not their name), 10 MB
at most. Every upload form of the portal checks its file here.

ODT and DOCX are ZIP archives: before anything in one is read, its central directory (what each
entry declares, nothing inflated) must stay within ARCHIVE_LIMITS, so that a few hundred KB
that inflate to gigabytes (a zip bomb) never reach a parser, a preview or a PDF merger.
"""

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError

from cpts_portal.lib.numbers import format_number

MAX_SIZE = 10 * 1024 * 1024
PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", ODT: ".odt", DOCX: ".docx"}
ACCEPTED = "PDF, ODT ou DOCX"

# An ODT or DOCX of 10 MB holds pictures (stored nearly as they are) and XML (5 to 20 times
# smaller compressed): a real document stays far below these limits.
MAX_INFLATED = 50 * 1024 * 1024  # declared size of all the entries once inflated
MAX_RATIO = 100  # inflated / compressed, over the whole archive…
RATIO_FLOOR = 1024 * 1024  # …once the archive inflates to more than 1 MB
MAX_ENTRIES = 1000
# An archive inside the archive is refused (nobody here opens it; an office suite might).
# Office documents embedded in a DOCX (a chart's workbook) are accepted: their declared
# size counts in the total and the server never opens them.
NESTED_ARCHIVES = (".zip", ".jar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".cab")
MIMETYPE_BYTES = 200


@dataclass(frozen=True)
class Checked:
    content_type: str
    extension: str


def _check_archive(archive: zipfile.ZipFile, size: int) -> None:
    """ValidationError in French when the archive's central directory goes past a limit."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ValidationError(
            f"Ce document compte {format_number(len(entries))} fichiers internes : la limite "
            f"est de {format_number(MAX_ENTRIES)} fichiers."
        )
    inflated = sum(entry.file_size for entry in entries)
    if inflated > MAX_INFLATED:
        raise ValidationError(
            f"Ce document pèserait plus de {MAX_INFLATED // 1024 // 1024} Mo une fois "
            "décompressé : la limite est de 50 Mo. Enregistrez-le de nouveau depuis votre "
            "traitement de texte, ou en PDF."
        )
    if inflated > RATIO_FLOOR and inflated > MAX_RATIO * max(size, 1):
        raise ValidationError(
            f"Le taux de compression de ce document dépasse {MAX_RATIO} pour 1 : il ne ressemble "
            "pas à un document de traitement de texte. Enregistrez-le en PDF."
        )
    for entry in entries:
        if entry.filename.lower().endswith(NESTED_ARCHIVES):
            raise ValidationError(
                f"Ce document contient une autre archive (« {entry.filename[-60:]} ») : "
                "enregistrez-le en PDF."
            )


def _zip_kind(upload) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            _check_archive(archive, upload.size)
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:  # at most a few bytes inflated
                    declared = entry.read(MIMETYPE_BYTES).decode("ascii", "replace").strip()
                if declared == ODT:
                    return ODT
            if "word/document.xml" in names:
                return DOCX
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        KeyError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ):
        return None
    return None


def unguessable_path(folder: str, filename: str) -> str:
    """Where to store an upload: nothing of the project, the name or the sequence in it (the
    file's own name is kept on its record for the download), only its type's suffix."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"{folder}/{uuid.uuid4().hex}/{uuid.uuid4().hex}{suffix}"


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
