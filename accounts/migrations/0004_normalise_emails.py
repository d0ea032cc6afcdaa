"""E-mail addresses lower-case and trimmed everywhere (issue 20): the existing accounts and
invitations are normalised, then one address may hold one account whatever its case.

Two accounts whose addresses differ only by case are not merged: which password, memberships
and history to keep is a person's decision, and merging silently could hand one person's
rights to another. The migration then stops, changes nothing (it runs in one transaction) and
names the accounts; an administrator merges or renames them in the admin and migrates again.
"""

from collections import defaultdict

from django.db import migrations, models
from django.db.models.functions import Lower

# A pure function of a string; the portal's one rule for an address.
from accounts.models import normalise_email


class DuplicateAccounts(Exception):
    pass


def normalise_existing_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Invitation = apps.get_model("accounts", "Invitation")
    by_address = defaultdict(list)
    for pk, email in User.objects.values_list("pk", "email").order_by("pk"):
        by_address[normalise_email(email)].append((pk, email))
    clashes = {address: rows for address, rows in by_address.items() if len(rows) > 1}
    if clashes:
        listing = "; ".join(
            f"{address}: " + ", ".join(f"user {pk} <{email}>" for pk, email in rows)
            for address, rows in sorted(clashes.items())
        )
        raise DuplicateAccounts(
            "accounts.0004: several accounts share an e-mail address but for its case, and "
            "are not merged automatically. Merge or rename them in the admin (keep one "
            f"account per address), then run migrate again. {listing}"
        )
    for address, [(pk, email)] in by_address.items():
        if email != address:
            User.objects.filter(pk=pk).update(email=address)
    for pk, email in Invitation.objects.values_list("pk", "email"):
        if email != normalise_email(email):
            Invitation.objects.filter(pk=pk).update(email=normalise_email(email))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_proconnect"),
    ]

    operations = [
        migrations.RunPython(normalise_existing_emails, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="Un compte existe déjà pour cette adresse e-mail.",
            ),
        ),
    ]
