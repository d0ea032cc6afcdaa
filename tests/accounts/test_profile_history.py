"""The account page is versioned with history (issue 20 item 3): a stale save is refused with
the other version shown, every save leaves a history row, and neither the password hash nor
the logins ever land in the history."""

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def _profile(version, last_name, phone="04 67 00 00 00"):
    return {
        "version": version,
        "first_name": "Julien",
        "last_name": last_name,
        "profession": "Médecin généraliste",
        "phone": phone,
    }


def test_stale_profile_save_gets_409_with_the_other_version_and_overwrites_nothing(demo, login):
    user = demo["users"]["julien.roux"]
    client = login(user)
    version = User.objects.get(pk=user.pk).version
    # Another tab (or an administrator) saves first, from the same version.
    first = client.post(reverse("accounts:profile"), _profile(version, "Roux-Onglet"))
    assert first.status_code == 302

    response = client.post(reverse("accounts:profile"), _profile(version, "Roux-Périmé", "06"))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Modification refusée" in page
    assert "Sa version" in page
    assert "Roux-Onglet" in page  # the other version, shown
    assert 'value="Roux-Périmé"' in page  # the user's text, kept in the form
    assert f'name="version" value="{version + 1}"' in page  # saving again is deliberate
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.last_name, fresh.phone, fresh.version) == ("Roux-Onglet", "04 67 00 00 00", 2)


def test_profile_save_writes_a_history_row_with_the_user(demo, login):
    user = demo["users"]["julien.roux"]
    client = login(user)
    before = User.history.filter(id=user.pk).count()

    response = client.post(
        reverse("accounts:profile"), _profile(User.objects.get(pk=user.pk).version, "Roux-Martin")
    )

    assert response.status_code == 302
    rows = User.history.filter(id=user.pk)
    assert rows.count() == before + 1
    row = rows.first()
    assert (row.history_type, row.history_user, row.last_name) == ("~", user, "Roux-Martin")
    assert row.updated_by == user


def test_history_never_stores_the_password_hash_nor_logins(demo, client):
    history = User.history.model
    for name in ("password", "last_login"):
        with pytest.raises(FieldDoesNotExist):
            history._meta.get_field(name)
    user = demo["users"]["julien.roux"]
    before = User.history.filter(id=user.pk).count()

    # A login writes last_login (update_fields): no history row tells when someone logged in.
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    assert User.objects.get(pk=user.pk).last_login is not None
    assert User.history.filter(id=user.pk).count() == before
