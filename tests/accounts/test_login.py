import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_lists_every_demo_account_in_demo_mode(demo, client, settings):
    settings.DEMO_MODE = True

    response = client.get(reverse("accounts:login"))

    content = response.content.decode()
    assert f"Mot de passe : <code>{DEMO_PASSWORD}</code>" in content
    for user in demo["users"].values():
        assert user.email in content
    assert "instructeur" in content and "coordinateur" in content and "analyste" in content


def test_login_page_hides_demo_accounts_outside_demo_mode(demo, client, settings):
    settings.DEMO_MODE = False

    response = client.get(reverse("accounts:login"))

    assert "Mot de passe :" not in response.content.decode()
    assert demo["users"]["claire.martin"].email not in response.content.decode()


# Where each demo account lands after logging in.
HOMES = {
    "claire.martin": "/projets/pic-saint-loup/",
    "julien.roux": "/projets/pic-saint-loup/",
    "sophie.garnier": "/projets/pic-saint-loup/",
    "karim.benali": "/projets/pic-saint-loup/",
    "thomas.lefevre": "/projets/uzege-pont-du-gard/",
    "emilie.fabre": "/projets/uzege-pont-du-gard/",
    "henri.vidal": "/projets/uzege-pont-du-gard/",
    "nadia.mercier": "/projets/lodevois-larzac/",
    "lucie.bernard": "/projets/bassin-de-thau/",
    "marc.olivier": "/projets/bassin-de-thau/",
    "isabelle.moreau": "/instruction/",
    "philippe.girard": "/instruction/",
    "camille.dupuis": "/instruction/",
    "laurent.bonnet": "/instruction/",
    "marie.chevalier": "/instruction/",
    "pierre.blanc": "/instruction/",
    "helene.rousseau": "/analyse/",
    "admin": "/",
}


def test_every_demo_account_logs_in_and_lands_on_its_home(demo, client):
    assert set(HOMES) == set(demo["users"])
    for local_part, user in demo["users"].items():
        client.logout()

        response = client.post(
            reverse("accounts:login"),
            {"username": user.email.upper(), "password": DEMO_PASSWORD},
            follow=True,
        )

        assert response.status_code == 200, local_part
        assert response.request["PATH_INFO"] == HOMES[local_part], local_part
        assert response.context["user"] == user


def test_login_with_a_wrong_password_says_so_in_french(demo, client):
    response = client.post(
        reverse("accounts:login"),
        {"username": demo["users"]["claire.martin"].email, "password": "faux"},
    )

    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_locked_after_repeated_failures(demo, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    email = demo["users"]["claire.martin"].email
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": email, "password": "faux"})

    response = client.post(
        reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_french_link_that_sets_a_new_password(demo, client):
    user = demo["users"]["julien.roux"]

    response = client.post(reverse("accounts:password-reset"), {"email": user.email}, follow=True)

    assert "Vérifiez votre messagerie" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "nouveau mot de passe" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    link = re.search(r"http://testserver(/compte/mot-de-passe/nouveau/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "Un-nouveau-mot-de-passe-2026"
    client.post(
        form_page.request["PATH_INFO"],
        {"new_password1": new_password, "new_password2": new_password},
    )
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_logout_takes_a_post_and_ends_the_session(demo, login):
    client = login(demo["users"]["claire.martin"])

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
