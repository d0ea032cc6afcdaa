"""Send the outbox messages a broker outage held back (and repair stale documents).

Celery beat does this every minute; this command does the same from cron or a systemd timer,
for when beat itself is down: `*/5 * * * * python manage.py dispatch_outbox`."""

from django.core.management.base import BaseCommand

from cpts_portal.lib import outbox


class Command(BaseCommand):
    help = "Envoie les messages de l'outbox en attente (tâches retenues par une panne du broker)."

    def handle(self, *args, **options):
        result = outbox.dispatch_due()
        self.stdout.write(
            f"{result['sent']} envoyé(s), {result['failed']} en échec, "
            f"{result['pending']} en attente."
        )
        return None
