#!/usr/bin/env python
"""Build geo/data/referential.json.gz from the npm package @etalab/decoupage-administratif.

Standard library only (plus the `npm` client to fetch the package):

    .venv/bin/python scripts/build_referential.py --version 6.0.0

The package is fetched with `npm pack` into a temporary directory and read straight from
the tarball. The output is deterministic: rows sorted by code, compact JSON, gzip with
mtime=0, and the "built" date taken from the package's own data files rather than from the
clock, so a rebuild from the same version gives the same bytes.

Output format (see geo/data/README.md):

    {"source": {"package", "version", "licence", "data_licence", "built", "integrity"},
     "regions": [[code, name], ...],
     "departements": [[code, name, region_code], ...],
     "epcis": [[siren, name, kind], ...],
     "communes": [[code, name, kind, departement, epci|null, parent|null,
                   "postal codes space-separated", population], ...]}
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import gzip
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
DEFAULT_VERSION = "6.0.0"
LICENCE = "MIT"
DATA_LICENCE = "Licence Ouverte / Open Licence (Etalab)"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT_DIR = ROOT / "geo" / "data"
OUTPUT_NAME = "referential.json.gz"
LICENSE_NAME = "LICENSE-decoupage-administratif.txt"

COMMUNE = "COMMUNE"
ARRONDISSEMENT = "ARRONDISSEMENT"
KEPT_TYPES = {"commune-actuelle": COMMUNE, "arrondissement-municipal": ARRONDISSEMENT}


def npm_pack(version: str, workdir: Path) -> Path:
    """Download the package tarball into `workdir`; return its path."""
    npm = shutil.which("npm")
    if not npm:
        sys.exit("npm not found: install Node.js/npm, or pass --tarball")
    result = subprocess.run(
        [npm, "pack", "--json", f"{PACKAGE}@{version}"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    return workdir / json.loads(result.stdout)[0]["filename"]


def integrity(tarball: Path) -> str:
    """Subresource-integrity string of the tarball, as npm shows it (sha512-<base64>)."""
    digest = hashlib.sha512(tarball.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


class Package:
    """Read access to the members of an npm tarball (everything lives under package/)."""

    def __init__(self, tarball: Path):
        self.tar = tarfile.open(tarball, "r:gz")
        self.members = {m.name.split("/", 1)[1]: m for m in self.tar.getmembers() if "/" in m.name}

    def read(self, name: str) -> bytes:
        member = self.members.get(name)
        if member is None or not member.isfile():
            sys.exit(f"{name} not found in the package")
        return self.tar.extractfile(member).read()

    def json(self, name: str):
        return json.loads(self.read(name))

    def data_date(self) -> str:
        """Date of the newest data file: the package's build date, stable across rebuilds."""
        mtimes = [m.mtime for n, m in self.members.items() if n.startswith("data/")]
        return dt.datetime.fromtimestamp(max(mtimes), dt.UTC).date().isoformat()

    def version(self) -> str:
        return self.json("package.json")["version"]


def build(package: Package) -> tuple[dict, list[str]]:
    """Return the referential and the report lines (populations of the divided cities)."""
    regions = sorted([r["code"], r["nom"]] for r in package.json("data/regions.json"))
    region_codes = {r[0] for r in regions}

    departements = sorted(
        [d["code"], d["nom"], d["region"]] for d in package.json("data/departements.json")
    )
    for code, _, region in departements:
        if region not in region_codes:
            sys.exit(f"departement {code}: unknown region {region}")
    departement_codes = {d[0] for d in departements}

    epci_of: dict[str, str] = {}
    epcis = []
    for epci in package.json("data/epci.json"):
        epcis.append([epci["code"], epci["nom"], epci.get("type", "")])
        for member in epci["membres"]:
            previous = epci_of.setdefault(member["code"], epci["code"])
            if previous != epci["code"]:
                sys.exit(f"commune {member['code']} is a member of {previous} and {epci['code']}")
    epcis.sort()

    rows = {}
    skipped = Counter()
    for c in package.json("data/communes.json"):
        kind = KEPT_TYPES.get(c["type"])
        if kind is None:
            skipped[c["type"]] += 1
            continue
        if c["code"] in rows:
            sys.exit(f"duplicate commune code {c['code']}")
        if c["departement"] not in departement_codes:
            sys.exit(f"commune {c['code']}: unknown departement {c['departement']}")
        parent = c["commune"] if kind == ARRONDISSEMENT else None
        if kind == ARRONDISSEMENT and not parent:
            sys.exit(f"arrondissement {c['code']} without its city")
        rows[c["code"]] = [
            c["code"],
            c["nom"],
            kind,
            c["departement"],
            epci_of.get(c["code"]),
            parent,
            " ".join(sorted(set(c.get("codesPostaux") or []))),
            int(c.get("population") or 0),
        ]

    unknown_members = sorted(set(epci_of) - set(rows))
    if unknown_members:
        sys.exit(f"EPCI members missing from communes.json: {unknown_members[:10]}")

    # Arrondissements municipaux inherit the EPCI of their city.
    report = []
    by_city = defaultdict(list)
    for row in rows.values():
        if row[2] == ARRONDISSEMENT:
            by_city[row[5]].append(row)
    for city_code, arrondissements in sorted(by_city.items()):
        city = rows.get(city_code)
        if city is None or city[2] != COMMUNE:
            sys.exit(f"arrondissements point to {city_code}, which is not a commune")
        for row in arrondissements:
            if row[4] is not None and row[4] != city[4]:
                sys.exit(f"arrondissement {row[0]} has its own EPCI {row[4]}")
            row[4] = city[4]
            if row[3] != city[3]:
                sys.exit(f"arrondissement {row[0]} is not in the departement of its city")
        total = sum(row[7] for row in arrondissements)
        report.append(
            f"  {city[1]} ({city_code}): {len(arrondissements)} arrondissements, "
            f"population {total} vs city {city[7]} "
            f"({'equal' if total == city[7] else f'difference {total - city[7]:+d}'})"
        )

    report.insert(0, f"  skipped rows: {dict(sorted(skipped.items()))}")
    referential = {
        "regions": regions,
        "departements": departements,
        "epcis": epcis,
        "communes": [rows[code] for code in sorted(rows)],
    }
    return referential, report


def gzip_json(data: dict) -> bytes:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    buffer = io.BytesIO()
    # filename="" and mtime=0 keep the gzip header free of anything machine- or time-bound.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as f:
        f.write(raw.encode("utf-8"))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--version", default=DEFAULT_VERSION, help=f"package version (default {DEFAULT_VERSION})"
    )
    parser.add_argument(
        "--tarball", type=Path, help="use this already downloaded .tgz instead of `npm pack`"
    )
    parser.add_argument(
        "--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR, help="default: geo/data"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="referential-") as tmp:
        if args.tarball:
            tarball = args.tarball
        else:
            print(f"npm pack {PACKAGE}@{args.version} ...")
            tarball = npm_pack(args.version, Path(tmp))
        package = Package(tarball)
        version = package.version()
        if not args.tarball and version != args.version:
            sys.exit(f"asked for {args.version}, npm gave {version}")

        referential, report = build(package)
        source = {
            "package": PACKAGE,
            "version": version,
            "licence": LICENCE,
            "data_licence": DATA_LICENCE,
            "built": package.data_date(),
            "integrity": integrity(tarball),
        }
        payload = gzip_json({"source": source, **referential})

        args.output_dir.mkdir(parents=True, exist_ok=True)
        output = args.output_dir / OUTPUT_NAME
        output.write_bytes(payload)
        (args.output_dir / LICENSE_NAME).write_bytes(package.read("LICENSE"))

    communes = referential["communes"]
    kinds = Counter(row[2] for row in communes)
    print(f"Wrote {output} ({len(payload)} bytes) from {PACKAGE}@{version}")
    print(
        f"  {len(referential['regions'])} regions, {len(referential['departements'])} "
        f"departements, {len(referential['epcis'])} EPCI, {kinds[COMMUNE]} communes, "
        f"{kinds[ARRONDISSEMENT]} arrondissements municipaux, "
        f"{sum(1 for row in communes if row[2] == COMMUNE and row[4] is None)} communes "
        "outside any EPCI"
    )
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
