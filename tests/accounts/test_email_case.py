"""Issue 20, item 1: an e-mail address is one account whatever its case or spaces, at every
entry (login and its lockout, invitation, sign-up, admin), and the existing rows migrated."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.forms import lockout_username
from accounts.models import Invitation, User, normalise_email
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0004_normalise_emails")


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_normalise_email_trims_and_lowers():
    assert normalise_email("  Karim.Benali@Demo.FR \n") == "karim.benali@demo.fr"
    assert normalise_email(None) == ""


def test_the_lockout_key_is_the_normalised_address(rf, settings):
    assert settings.AXES_USERNAME_CALLABLE == "accounts.forms.lockout_username"
    request = rf.post("/compte/connexion/", {"username": " Karim.Benali@Demo.fr "})

    assert lockout_username(request, None) == "karim.benali@demo.fr"
    assert lockout_username(request, {"username": "KARIM.benali@demo.fr"}) == (
        "karim.benali@demo.fr"
    )
    assert lockout_username(rf.get("/"), None) == ""


def test_a_locked_account_stays_locked_under_any_case_variant(demo, client, settings):
    assert settings.AXES_ENABLED
    email = demo["users"]["karim.benali"].email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, email, "faux")

    for variant in ("Karim.Benali@" + email.split("@")[1], " " + email.upper() + " ", email):
        response = _login(client, variant, DEMO_PASSWORD)

        assert response.status_code == 429, variant
        assert "Trop de tentatives" in response.content.decode(), variant
        assert "_auth_user_id" not in client.session, variant


def test_failures_spread_over_case_variants_count_against_one_account(demo, client, settings):
    email = demo["users"]["karim.benali"].email
    variants = [email, email.upper(), f"  {email.title()}  "]
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, variants[n % len(variants)], "faux")

    response = _login(client, email, DEMO_PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "variant",
    ["karim.benali@{domain}", "Karim.Benali@{domain}", " KARIM.BENALI@{domain} "],
)
def test_any_case_variant_logs_in_when_not_locked(demo, client, variant):
    user = demo["users"]["karim.benali"]

    response = _login(client, variant.format(domain=user.email.split("@")[1]), DEMO_PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_manager_and_save_store_the_address_lower_case(db):
    user = User.objects.create_user(email="  Jean.Dupont@X.fr ", password="x")
    assert user.email == "jean.dupont@x.fr"
    user.email = "JEAN.DUPONT@X.FR"
    user.save()
    user.refresh_from_db()
    assert user.email == "jean.dupont@x.fr"
    assert User.objects.get_by_natural_key(" Jean.DUPONT@x.fr") == user


def test_an_invitation_to_a_mixed_case_address_is_stored_lower_case_and_matched(
    demo, login, client, django_capture_on_commit_callbacks
):
    login(demo["users"]["claire.martin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("team:invitation-create", args=["cpts-pic-saint-loup"]),
            {"email": " Jean.Dupont@X.fr ", "role": "MEMBER"},
        )
    invitation = Invitation.objects.get()
    assert invitation.email == "jean.dupont@x.fr"
    assert mail.outbox[0].to == ["jean.dupont@x.fr"]
    link = re.search(r"http://testserver(/compte/invitation/\S+/)", mail.outbox[0].body).group(1)
    client.logout()

    response = client.post(
        link,
        {
            "first_name": "Jean",
            "last_name": "Dupont",
            "password1": "Un-mot-de-passe-solide-2026",
            "password2": "Un-mot-de-passe-solide-2026",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="jean.dupont@x.fr")
    assert user.memberships.get().organisation.slug == "cpts-pic-saint-loup"
    client.logout()
    assert _login(client, "JEAN.DUPONT@X.FR", "Un-mot-de-passe-solide-2026").status_code == 302


def test_an_invitation_saved_with_upper_case_is_lower_case(demo):
    invitation = Invitation.objects.create(
        organisation=demo["organisations"]["cpts-pic-saint-loup"],
        email="Jean.Dupont@X.fr",
        role="MEMBER",
        token_hash="0" * 64,
        sent_at="2026-12-01T00:00Z",
        expires_at="2026-12-08T00:00Z",
    )
    invitation.refresh_from_db()
    assert invitation.email == "jean.dupont@x.fr"
    assert invitation.is_for(User(email="JEAN.dupont@x.fr"))


INLINE = {
    "memberships-TOTAL_FORMS": "0",
    "memberships-INITIAL_FORMS": "0",
    "memberships-MIN_NUM_FORMS": "0",
    "memberships-MAX_NUM_FORMS": "1000",
}


def test_the_admin_stores_a_new_or_changed_address_lower_case(demo, client):
    client.force_login(demo["users"]["admin"], backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": " Nouveau.Compte@Exemple.FR ",
            "first_name": "Nina",
            "last_name": "Nouveau",
            "login_method": "PASSWORD",
            "usable_password": "true",
            "password1": "Un-mot-de-passe-solide-2026",
            "password2": "Un-mot-de-passe-solide-2026",
            **INLINE,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="nouveau.compte@exemple.fr")
    clash = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "NOUVEAU.COMPTE@exemple.fr",
            "login_method": "PASSWORD",
            "usable_password": "false",
            **INLINE,
        },
    )
    assert clash.status_code == 200
    assert "Un compte existe déjà pour cette adresse e-mail." in clash.content.decode()
    assert User.objects.filter(email__iexact="nouveau.compte@exemple.fr").count() == 1

    change = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    data = {
        key: value
        for key, value in change.context["adminform"].form.initial.items()
        if key in ("email", "first_name", "last_name", "login_method", "date_joined")
    }
    data.update(
        email="Autre.Adresse@Exemple.FR",
        is_active="on",
        date_joined_0=user.date_joined.strftime("%d/%m/%Y"),
        date_joined_1=user.date_joined.strftime("%H:%M:%S"),
        profession="",
        phone="",
        **INLINE,
    )
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.email == "autre.adresse@exemple.fr"


def test_the_migration_lowercases_existing_users_and_invitations(demo):
    user = demo["users"]["karim.benali"]
    # Rows written before the rule (an update bypasses save()).
    User.objects.filter(pk=user.pk).update(email=" Karim.Benali@" + user.email.split("@")[1])
    organisation = demo["organisations"]["cpts-pic-saint-loup"]
    invitation = Invitation.objects.create(
        organisation=organisation,
        email="x@x.fr",
        role="MEMBER",
        token_hash="1" * 64,
        sent_at="2026-12-01T00:00Z",
        expires_at="2026-12-08T00:00Z",
    )
    Invitation.objects.filter(pk=invitation.pk).update(email="Jean.Dupont@X.fr")

    migration.normalise_existing_emails(django_apps, None)

    user.refresh_from_db()
    invitation.refresh_from_db()
    assert user.email == "karim.benali@" + user.email.split("@")[1].lower()
    assert user.email == normalise_email(user.email)
    assert invitation.email == "jean.dupont@x.fr"


class _Rows:
    def __init__(self, rows):
        self.rows = rows

    def values_list(self, *fields):
        return self

    def order_by(self, *fields):
        return self.rows

    def __iter__(self):
        return iter(self.rows)


class _Model:
    def __init__(self, rows):
        self.objects = _Rows(rows)


class _Apps:
    def __init__(self, users):
        self.models = {"User": _Model(users), "Invitation": _Model([])}

    def get_model(self, app_label, name):
        return self.models[name]


def test_the_migration_stops_on_accounts_differing_only_by_case():
    # The database's constraint forbids them now; the migration met them before it.
    apps = _Apps([(1, "jean.dupont@x.fr"), (2, "Jean.Dupont@X.fr"), (3, "autre@x.fr")])

    with pytest.raises(migration.DuplicateAccounts) as raised:
        migration.normalise_existing_emails(apps, None)

    assert "user 1 <jean.dupont@x.fr>, user 2 <Jean.Dupont@X.fr>" in str(raised.value)
    assert "autre@x.fr" not in str(raised.value)


def test_the_database_refuses_a_second_account_in_another_case(db):
    User.objects.create_user(email="jean.dupont@x.fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=User.objects.create_user(email="autre@x.fr").pk).update(
            email="JEAN.DUPONT@X.FR"
        )
