# The diagnostic's figures get a name of their own (missions.Indicator is another thing).
from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("diagnostics", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel(old_name="Indicator", new_name="DiagnosticFigure"),
        migrations.RenameModel(old_name="HistoricalIndicator", new_name="HistoricalDiagnosticFigure"),
    ]
