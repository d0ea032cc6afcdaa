"""Services of the geographic referential: loading the data file into the database."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from django.db import transaction

from .models import Commune, Departement, Epci, Region

REFERENTIAL_PATH = Path(__file__).resolve().parent / "data" / "referential.json.gz"
BATCH_SIZE = 1000

# Field order of each row of the data file, after the code (see geo/data/README.md).
REGION_FIELDS = ["name"]
DEPARTEMENT_FIELDS = ["name", "region_id"]
EPCI_FIELDS = ["name", "kind"]
COMMUNE_FIELDS = [
    "name",
    "kind",
    "departement_id",
    "epci_id",
    "parent_id",
    "postal_codes",
    "population",
]


class ReferentialError(ValueError):
    """The data file or the requested départements cannot be loaded."""


def read_referential(path: str | Path | None = None) -> dict:
    """The decoded data file (geo/data/referential.json.gz by default)."""
    path = Path(path) if path else REFERENTIAL_PATH
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError as exc:
        raise ReferentialError(f"referential file not found: {path}") from exc
    except (OSError, ValueError) as exc:
        raise ReferentialError(f"unreadable referential file {path}: {exc}") from exc
    for key in ("regions", "departements", "epcis", "communes"):
        if not isinstance(data.get(key), list):
            raise ReferentialError(f"{path}: missing '{key}' list")
    return data


def normalize_departement(code: str) -> str:
    """'1' -> '01', '2a' -> '2A'; other codes unchanged."""
    code = str(code).strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def referential_is_loaded() -> bool:
    """Whether communes have been loaded (by `manage.py load_referential`)."""
    return Commune.objects.exists()


def _upsert(model, rows: list[list], fields: list[str]) -> dict:
    """Insert or update `rows` ([code, *values in `fields` order]), writing only the rows
    that are new or differ from the database. Returns the counts."""
    # Read the whole table (35k communes at most): cheaper than a huge `IN (...)`, which
    # would also overflow SQLite's limit on query parameters.
    existing = {code: tuple(values) for code, *values in model.objects.values_list("pk", *fields)}
    created = updated = 0
    to_write = []
    for code, *values in rows:
        current = existing.get(code)
        if current == tuple(values):
            continue
        if current is None:
            created += 1
        else:
            updated += 1
        to_write.append(model(pk=code, **dict(zip(fields, values, strict=True))))
    if to_write:
        model.objects.bulk_create(
            to_write,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=[f.removesuffix("_id") for f in fields],
        )
    return {
        "total": len(rows),
        "created": created,
        "updated": updated,
        "unchanged": len(rows) - created - updated,
    }


def referential_load(*, path: str | Path | None = None, departements=None) -> dict:
    """Load the referential file into the database, idempotently.

    All régions and départements are loaded. With `departements` (a list of codes), only the
    communes of those départements and the EPCI they belong to are; otherwise everything.
    Rows are upserted by code inside one transaction: a second run writes nothing.

    Returns {"source": {...}, "departements_filter": [...] | None, "regions": counts,
    "departements": counts, "epcis": counts, "communes": counts, "arrondissements": counts,
    "stale_communes": int}, where counts = {"total", "created", "updated", "unchanged"} and
    stale_communes counts communes in the database (within the loaded scope) that the file
    no longer holds; they are left alone, since other data may point to them.
    """
    data = read_referential(path)
    regions = data["regions"]
    departement_rows = data["departements"]
    communes = data["communes"]
    epcis = data["epcis"]

    selected = None
    if departements:
        selected = sorted({normalize_departement(code) for code in departements})
        known = {row[0] for row in departement_rows}
        unknown = [code for code in selected if code not in known]
        if unknown:
            raise ReferentialError(f"unknown departement(s): {', '.join(unknown)}")
        communes = [row for row in communes if row[3] in selected]
        used_epcis = {row[4] for row in communes if row[4]}
        epcis = [row for row in epcis if row[0] in used_epcis]

    def commune_values(row):
        code, name, kind, departement, epci, parent, postal_codes, population = row
        return [code, name, kind, departement, epci, parent, postal_codes, int(population or 0)]

    cities = [commune_values(r) for r in communes if r[2] == Commune.Kind.COMMUNE]
    arrondissements = [commune_values(r) for r in communes if r[2] == Commune.Kind.ARRONDISSEMENT]
    if len(cities) + len(arrondissements) != len(communes):
        raise ReferentialError("unexpected commune kind in the referential file")

    with transaction.atomic():
        result = {
            "source": data.get("source", {}),
            "departements_filter": selected,
            "regions": _upsert(Region, regions, REGION_FIELDS),
            "departements": _upsert(Departement, departement_rows, DEPARTEMENT_FIELDS),
            "epcis": _upsert(Epci, epcis, EPCI_FIELDS),
            # Cities first, so that every arrondissement finds its parent.
            "communes": _upsert(Commune, cities, COMMUNE_FIELDS),
            "arrondissements": _upsert(Commune, arrondissements, COMMUNE_FIELDS),
        }
        in_scope = Commune.objects.all()
        if selected:
            in_scope = in_scope.filter(departement__in=selected)
        file_codes = {row[0] for row in communes}
        result["stale_communes"] = sum(
            1
            for code in in_scope.values_list("code", flat=True).iterator()
            if code not in file_codes
        )
    return result
