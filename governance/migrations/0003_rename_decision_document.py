# Names of their own: an AG deliberation (projects.Decision is the ARS's decision) and a
# governance document (projects.Document is a rendered PDF).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0002_information_system"),
    ]

    operations = [
        migrations.RenameModel(old_name="Decision", new_name="Deliberation"),
        migrations.RenameModel(old_name="Document", new_name="GovernanceDocument"),
    ]
