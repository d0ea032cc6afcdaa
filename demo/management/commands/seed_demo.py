from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import demo_seed


class Command(BaseCommand):
    help = (
        "Create (or bring back) the demo CPTS, their reviewers and one account per role. "
        "Runs only with DEMO_MODE=true (or --force): it creates an administrator whose password "
        "is published."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", help="password of every demo account")
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed even when DEMO_MODE is off (never on a production database)",
        )

    def handle(self, *args, password=None, force=False, **options):
        if not settings.DEMO_MODE and not force:
            raise CommandError(
                "seed_demo refuse de s'exécuter hors du mode démo : il crée un administrateur "
                "dont le mot de passe est public. Lancez-le avec DEMO_MODE=true, ou --force "
                "si cette base n'est pas celle de la production. "
                "(seed_demo refuses to run unless DEMO_MODE is on, or --force is given.)"
            )
        created = demo_seed(password=password)
        self.stdout.write(
            f"Demo data ready: {len(created['projects'])} projects, "
            f"{len(created['organisations'])} organisations, {len(created['users'])} accounts."
        )
