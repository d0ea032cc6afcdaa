"""Members from a CSV file: parse, check every row, and preview before anything is written.

The file is read by cpts_portal.lib.csvfiles (`;`, `,` or tab; UTF-8, Windows-1252 or Latin-1:
what spreadsheets export in France). Errors name the file's line (the header is line 1) and
the reason, in French; one error refuses the whole file.
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from cpts_portal.lib.csvfiles import CsvFileError, read_csv
from cpts_portal.lib.spreadsheets import unquote_cell
from geo.models import Commune

from .models import Member, Profession

COLUMNS = [
    # key, header written in the template and the export, accepted aliases
    ("nom", "nom", ["nom", "nom_de_famille"]),
    ("prenom", "prénom", ["prenom"]),
    ("profession", "profession", ["profession"]),
    ("rpps", "RPPS", ["rpps", "numero_rpps"]),
    ("structure", "structure", ["structure", "nom_de_la_structure"]),
    ("type_structure", "type de structure", ["type_structure", "type_de_structure"]),
    ("representant", "représentant", ["representant"]),
    ("commune", "commune", ["commune", "code_insee", "commune_d_exercice"]),
    ("email", "e-mail", ["email", "e_mail", "courriel", "mail"]),
    ("telephone", "téléphone", ["telephone", "tel"]),
    ("qualite", "qualité", ["qualite", "categorie", "membre"]),
    ("adhesion", "date d'adhésion", ["adhesion", "date_d_adhesion", "date_adhesion"]),
    ("cotisation", "cotisation", ["cotisation"]),
    ("depart", "date de départ", ["depart", "date_de_depart", "date_depart"]),
]
MAX_ROWS = 2000


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = text.strip().lower()
    for char in " -'’.":
        text = text.replace(char, "_")
    return "_".join(part for part in text.split("_") if part)


def _choice_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        lookup[normalise(value)] = value
        lookup[normalise(label)] = value
    return lookup


PROFESSIONS = _choice_lookup(Profession.choices)
# Feminine forms and common abbreviations people type.
PROFESSIONS.update(
    {
        "medecin": Profession.MEDECIN_GENERALISTE,
        "infirmiere": Profession.INFIRMIER,
        "ide": Profession.INFIRMIER,
        "pharmacienne": Profession.PHARMACIEN,
        "kinesitherapeute": Profession.KINESITHERAPEUTE,
        "kine": Profession.KINESITHERAPEUTE,
        "masseuse_kinesitherapeute": Profession.KINESITHERAPEUTE,
        "dentiste": Profession.CHIRURGIEN_DENTISTE,
        "chirurgienne_dentiste": Profession.CHIRURGIEN_DENTISTE,
        "podologue": Profession.PODOLOGUE,
        "psychologue_clinicienne": Profession.PSYCHOLOGUE,
        "dieteticienne": Profession.DIETETICIEN,
        "orthophoniste": Profession.ORTHOPHONISTE,
        "psychomotricienne": Profession.PSYCHOMOTRICIEN,
        "ergotherapeute": Profession.ERGOTHERAPEUTE,
        "biologiste_medical": Profession.BIOLOGISTE,
        "opticienne": Profession.OPTICIEN,
    }
)
STRUCTURE_KINDS = _choice_lookup(Member.StructureKind.choices)
STRUCTURE_KINDS.update({"hopital": "HOSPITAL", "ch": "HOSPITAL", "centre_hospitalier": "HOSPITAL"})
CATEGORIES = _choice_lookup(Member.Category.choices)
CATEGORIES.update({"actif": "ACTIVE", "active": "ACTIVE", "partenaire": "PARTNER"})
FEES = _choice_lookup(Member.Fee.choices)
FEES.update({"payee": "PAID", "paye": "PAID", "oui": "PAID", "non": "DUE", "due": "DUE"})


@dataclass
class Preview:
    rows: list[dict] = field(default_factory=list)  # JSON-serialisable, kept in the session
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def _date(text: str) -> str | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError


def parse_members(data: bytes, *, project) -> Preview:
    preview = Preview()
    try:
        lines = list(read_csv(data).rows())
    except CsvFileError as error:
        preview.errors.append(str(error))
        return preview
    if not lines:
        preview.errors.append("Le fichier est vide.")
        return preview
    header = lines[0][1]
    aliases = {alias: key for key, _, names in COLUMNS for alias in names}
    keys = [aliases.get(normalise(name)) for name in header]
    if "nom" not in keys and "structure" not in keys:
        preview.errors.append(
            "Ligne 1 : l'en-tête doit contenir au moins une colonne « nom » ou « structure » "
            f"(colonnes reconnues : {', '.join(label for _, label, _ in COLUMNS)})."
        )
        return preview

    raw_rows = []
    for line_number, cells in lines[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        values = {
            key: unquote_cell(cell.strip()) for key, cell in zip(keys, cells, strict=False) if key
        }
        raw_rows.append((line_number, values))
    if len(raw_rows) > MAX_ROWS:
        preview.errors.append(f"Le fichier compte plus de {MAX_ROWS} lignes : découpez-le.")
        return preview
    if not raw_rows:
        preview.errors.append("Le fichier ne contient aucun membre.")
        return preview

    communes = _communes(project, [values.get("commune", "") for _, values in raw_rows])
    known_rpps = set(
        Member.objects.filter(project=project).exclude(rpps="").values_list("rpps", flat=True)
    )
    seen_rpps: dict[str, int] = {}
    for line_number, values in raw_rows:
        row, reasons = _parse_row(values, communes)
        rpps = row.get("rpps")
        if rpps and rpps in known_rpps:
            reasons.append(f"le RPPS {rpps} est déjà celui d'un membre de la CPTS")
        elif rpps and rpps in seen_rpps:
            reasons.append(f"le RPPS {rpps} figure déjà ligne {seen_rpps[rpps]}")
        if rpps:
            seen_rpps.setdefault(rpps, line_number)
        if reasons:
            preview.errors.extend(f"Ligne {line_number} : {reason}." for reason in reasons)
        else:
            row["line"] = line_number
            preview.rows.append(row)
    if preview.errors:
        preview.rows = []
    return preview


def _communes(project, texts: list[str]) -> dict[str, dict]:
    """Communes named in the file, by INSEE code or by name within the project's départements."""
    codes = {t.upper() for t in texts if t and len(t) == 5 and t[:2].upper() in _code_heads(t)}
    names = {normalise(t) for t in texts if t and t.upper() not in codes}
    found: dict[str, dict] = {}
    for code, name in Commune.objects.filter(code__in=codes).values_list("code", "name"):
        found[code] = {"code": code, "name": name}
    if names:
        departements = [d.code for d in project.departements.all()]
        by_name: dict[str, list] = {}
        candidates = Commune.objects.filter(departement_id__in=departements).values_list(
            "code", "name"
        )
        for code, name in candidates:
            if normalise(name) in names:
                by_name.setdefault(normalise(name), []).append({"code": code, "name": name})
        for key, matches in by_name.items():
            found[key] = matches[0] if len(matches) == 1 else {"ambiguous": True}
    return found


def _code_heads(text: str) -> set[str]:
    return {text[:2].upper()} if text[:2].isdigit() or text[:2].upper() in ("2A", "2B") else set()


def _parse_row(values: dict, communes: dict) -> tuple[dict, list[str]]:
    reasons = []
    row = {
        "kind": Member.Kind.PERSON,
        "last_name": values.get("nom", ""),
        "first_name": values.get("prenom", ""),
        "profession": "",
        "rpps": values.get("rpps", "").replace(" ", ""),
        "structure_name": values.get("structure", ""),
        "structure_kind": "",
        "representative": values.get("representant", ""),
        "commune": "",
        "commune_name": "",
        "email": values.get("email", ""),
        "phone": values.get("telephone", ""),
        "category": Member.Category.ACTIVE,
        "adhesion_date": None,
        "fee_status": Member.Fee.DUE,
        "leaving_date": None,
    }
    if not row["last_name"] and row["structure_name"]:
        row["kind"] = Member.Kind.STRUCTURE
        row["category"] = Member.Category.PARTNER
    if not row["last_name"] and not row["structure_name"]:
        reasons.append("ni nom ni structure : chaque ligne doit nommer un membre")

    lookups = [
        ("profession", PROFESSIONS, "profession", "profession"),
        ("type_structure", STRUCTURE_KINDS, "structure_kind", "type de structure"),
        ("qualite", CATEGORIES, "category", "qualité (actif ou partenaire)"),
        ("cotisation", FEES, "fee_status", "cotisation (à jour, à régler ou exonéré)"),
    ]
    for key, lookup, target, what in lookups:
        text = values.get(key, "")
        if not text:
            continue
        value = lookup.get(normalise(text))
        if value is None:
            reasons.append(f"{what} « {text} » inconnue")
        else:
            row[target] = value
    if row["kind"] == Member.Kind.PERSON and not values.get("profession"):
        reasons.append("la profession est obligatoire pour un professionnel")

    for key, target, what in (
        ("adhesion", "adhesion_date", "date d'adhésion"),
        ("depart", "leaving_date", "date de départ"),
    ):
        text = values.get(key, "")
        if text:
            try:
                row[target] = _date(text)
            except ValueError:
                reasons.append(f"{what} « {text} » illisible (attendu JJ/MM/AAAA)")

    commune_text = values.get("commune", "")
    if commune_text:
        match = communes.get(commune_text.upper()) or communes.get(normalise(commune_text))
        if match is None:
            reasons.append(f"commune « {commune_text} » introuvable")
        elif match.get("ambiguous"):
            reasons.append(f"commune « {commune_text} » ambiguë : indiquez son code INSEE")
        else:
            row["commune"], row["commune_name"] = match["code"], match["name"]

    member = Member(**row_to_fields(row))
    row["description"] = member.description
    try:
        member.full_clean(exclude=["project", "number", "commune"], validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            label = Member._meta.get_field(name).verbose_name if name != "__all__" else ""
            for message in messages:
                message = message.rstrip(".")
                reasons.append(f"{label} : {message}" if label else message)
    return row, reasons


def row_to_fields(row: dict) -> dict:
    fields = {
        k: v for k, v in row.items() if k not in ("line", "commune", "commune_name", "description")
    }
    for name in ("adhesion_date", "leaving_date"):
        if fields.get(name):
            fields[name] = dt.date.fromisoformat(fields[name])
    fields["commune_id"] = row.get("commune") or None
    return fields
