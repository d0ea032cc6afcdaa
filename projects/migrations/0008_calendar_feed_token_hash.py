import hashlib

from django.db import migrations


def hash_the_clear_tokens(apps, schema_editor):
    """The feeds issued before: their URL keeps working, the database no longer holds it."""
    CalendarFeed = apps.get_model("projects", "CalendarFeed")
    for feed in CalendarFeed.objects.all().only("pk", "token_hash"):
        feed.token_hash = hashlib.sha256(feed.token_hash.encode()).hexdigest()
        feed.save(update_fields=["token_hash"])


def forget_the_feeds(apps, schema_editor):
    """Going back cannot recover a clear token from its hash: the feeds are revoked."""
    apps.get_model("projects", "CalendarFeed").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_contract_annual_amount"),
    ]

    operations = [
        migrations.RenameField(model_name="calendarfeed", old_name="token", new_name="token_hash"),
        migrations.RunPython(hash_the_clear_tokens, forget_the_feeds),
    ]
