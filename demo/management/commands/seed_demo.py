from django.core.management.base import BaseCommand

from demo.seed import demo_seed


class Command(BaseCommand):
    help = "Create (or bring back) the demo CPTS, their reviewers and one account per role."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="password of every demo account")

    def handle(self, *args, password=None, **options):
        created = demo_seed(password=password)
        self.stdout.write(
            f"Demo data ready: {len(created['projects'])} projects, "
            f"{len(created['organisations'])} organisations, {len(created['users'])} accounts."
        )
