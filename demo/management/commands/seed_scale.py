import time

from django.core.management.base import BaseCommand, CommandError

from demo import scale


class Command(BaseCommand):
    help = (
        "Create N CPTS projects at national scale (every département and state, about 25 "
        "fiches-actions and 50 members each) and their reviewers; adds only the missing ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cpts", type=int, required=True, help="number of projects wanted")
        parser.add_argument(
            "--prefix",
            default=scale.PREFIX,
            help=f"slug prefix of the projects, organisations, accounts (default {scale.PREFIX})",
        )
        parser.add_argument(
            "--reset", action="store_true", help="remove every record of the prefix first"
        )
        parser.add_argument("--password", help="password of every account created")

    def handle(self, *args, cpts, prefix, reset=False, password=None, **options):
        if cpts < 0:
            raise CommandError("--cpts must be 0 or more")
        verbose = options.get("verbosity", 1) >= 1
        started = time.perf_counter()
        try:
            result = scale.seed_scale(
                cpts,
                prefix=prefix,
                reset=reset,
                password=password,
                log=self.stdout.write if verbose else lambda text: None,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        if verbose:
            spread = scale.describe(prefix)
            self.stdout.write(
                f"{result['created']} projects created in {elapsed:.1f} s; {result['total']} "
                f"projects of prefix {prefix!r} over {spread['departements']} départements, "
                f"{spread['regions']} regions, {len(spread['states'])} states."
            )
