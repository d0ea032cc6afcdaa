"""Load the geographic referential (geo/data/referential.json.gz) into the database."""

import time

from django.core.management.base import BaseCommand, CommandError

from geo.services import ReferentialError, referential_load


class Command(BaseCommand):
    help = (
        "Load régions, départements, EPCI and communes from geo/data/referential.json.gz. "
        "Idempotent: rows are upserted by code, a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--departements",
            nargs="+",
            metavar="CODE",
            help="only load the communes (and their EPCI) of these départements, e.g. 34 30 2A",
        )
        parser.add_argument(
            "--file", dest="path", help="data file to load (default: the bundled one)"
        )

    def handle(self, *args, departements=None, path=None, **options):
        started = time.monotonic()
        try:
            result = referential_load(path=path, departements=departements)
        except ReferentialError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started

        source = result["source"]
        communes, arrondissements = result["communes"], result["arrondissements"]
        scope = (
            f" of departement(s) {' '.join(result['departements_filter'])}"
            if result["departements_filter"]
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {communes['total']} communes and {arrondissements['total']} "
                f"municipal arrondissements{scope}, {result['epcis']['total']} EPCI, "
                f"{result['departements']['total']} departements, "
                f"{result['regions']['total']} regions "
                f"from {source.get('package', '?')} {source.get('version', '?')} "
                f"in {elapsed:.1f}s."
            )
        )
        for key in ("regions", "departements", "epcis", "communes", "arrondissements"):
            counts = result[key]
            self.stdout.write(
                f"  {key}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )
        if result["stale_communes"]:
            self.stdout.write(
                self.style.WARNING(
                    f"  {result['stale_communes']} communes in the database are no longer in "
                    "the file; they were left in place."
                )
            )
