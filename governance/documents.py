"""Uploaded documents: PDF, ODT or DOCX, recognised by their content, 10 MB at most."""

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
        raise ValidationError(
            f"Le fichier pèse {upload.size / 1024 / 1024:.1f} Mo : la limite est de 10 Mo."
        )
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


def tiny_pdf(lines: list[str]) -> bytes:
    """A minimal valid one-page PDF showing `lines` (Latin-1 text), for the demo documents."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    commands = ["BT", "/F1 12 Tf", "14 TL", "72 770 Td"]
    for line in lines:
        commands.append(f"({escape(line)}) Tj T*")
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
