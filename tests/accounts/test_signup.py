"""Starting alone (issue 18, item 1): sign-up → confirmation of the address → the wizard creates
the CPTS, its project and association, the creator as coordinator; throttled; an e-mail per
step; names required on every account."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts import signup
from accounts.models import Membership, Organisation, SignupAttempt, User
from governance.models import Association
from projects.models import Project, ProjectEvent

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-solide-2026"
FORM = {
    "email": "  Anne.Leroy@Exemple.fr ",
    "first_name": "Anne",
    "last_name": "Leroy",
    "profession": "Médecin généraliste",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def _sign_up(client, capture, **changes):
    with capture(execute=True):
        return client.post(reverse("accounts:signup"), {**FORM, **changes})


def _confirmation_path(message) -> str:
    return re.search(r"http://testserver(/compte/inscription/confirmer/\S+/)", message.body).group(
        1
    )


def _start(client, capture, **changes):
    data = {
        "cpts_name": "CPTS des Garrigues",
        "departements": ["34", "30"],
        "porteur": "EXISTING",
        "association_name": "Association CPTS des Garrigues",
        "rna": "W343012345",
        **changes,
    }
    with capture(execute=True):
        return client.post(reverse("start:project-start"), data)


def test_login_page_links_to_the_sign_up(client, db):
    page = client.get(reverse("accounts:login")).content.decode()

    assert reverse("accounts:signup") in page
    assert "Créer un compte / Lancer un projet de CPTS" in page


def test_sign_up_confirm_and_start_a_project_as_its_coordinator(
    client, referential, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks

    response = _sign_up(client, capture)

    assert response.status_code == 302
    assert response.url == reverse("accounts:signup-sent")
    user = User.objects.get(email="anne.leroy@exemple.fr")
    assert (user.first_name, user.last_name, user.is_active) == ("Anne", "Leroy", False)
    assert user.email_confirmed_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anne.leroy@exemple.fr"]
    assert message.subject == "Confirmez votre adresse pour créer votre compte CPTS Portal"
    assert "Bonjour Anne" in message.body
    assert message.alternatives[0][1] == "text/html"
    sent = client.get(response.url).content.decode()
    assert "anne.leroy@exemple.fr" in sent
    # Not confirmed yet: no login.
    refused = client.post(
        reverse("accounts:login"), {"username": "anne.leroy@exemple.fr", "password": PASSWORD}
    )
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session

    path = _confirmation_path(message)
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirmer mon adresse et ouvrir mon compte" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active  # GET never writes
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 302
    assert response.url == reverse("start:project-start")
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    assert mail.outbox[-1].subject == "Votre compte CPTS Portal est ouvert"
    assert "/lancer/" in mail.outbox[-1].body
    # The link serves once.
    client.logout()
    assert client.post(path).status_code == 410
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    assert client.get(reverse("start:project-start")).status_code == 200
    response = _start(client, capture)

    project = Project.objects.get(name="CPTS des Garrigues")
    assert response.status_code == 302
    assert response.url == reverse("start:first-steps", args=[project.slug])
    assert (project.stage, project.state) == ("INITIATIVE", "INITIATIVE")
    assert sorted(d.code for d in project.departements.all()) == ["30", "34"]
    organisation = project.organisation
    assert organisation.kind == Organisation.Kind.CPTS
    assert organisation.name == "CPTS des Garrigues"
    assert sorted(d.code for d in organisation.departements.all()) == ["30", "34"]
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert membership.role == Membership.Role.COORDINATOR
    association = Association.objects.get(project=project)
    assert (association.name, association.rna) == ("Association CPTS des Garrigues", "W343012345")
    assert ProjectEvent.objects.filter(project=project, action="project_started").exists()
    started = mail.outbox[-1]
    assert started.subject == "Votre projet « CPTS des Garrigues » est créé sur CPTS Portal"
    assert f"/organisations/{organisation.slug}/equipe/" in started.body
    # The first-steps page leads to the team page, where colleagues are invited.
    first = client.get(response.url).content.decode()
    assert reverse("team:team-detail", args=[organisation.slug]) in first
    assert client.get(reverse("lifecycle:project-detail", args=[project.slug])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post(
            reverse("team:invitation-create", args=[organisation.slug]),
            {"email": "collegue@exemple.fr", "role": "PILOT"},
        )
    assert invited.status_code == 302
    assert mail.outbox[-1].to == ["collegue@exemple.fr"]


def test_a_project_being_created_keeps_no_rna_and_two_projects_of_one_name_get_two_slugs(
    client, referential, django_capture_on_commit_callbacks
):
    user = User.objects.create_user(
        email="paul@exemple.fr", password=PASSWORD, first_name="Paul", last_name="Durand"
    )
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    refused = _start(client, django_capture_on_commit_callbacks, porteur="CREATING")
    first = _start(client, django_capture_on_commit_callbacks, porteur="CREATING", rna="")
    second = _start(client, django_capture_on_commit_callbacks, porteur="CREATING", rna="")

    assert refused.status_code == 422
    assert "pas encore de numéro RNA" in refused.content.decode()
    assert first.status_code == second.status_code == 302
    projects = Project.objects.filter(name="CPTS des Garrigues").order_by("pk")
    assert [p.slug for p in projects] == ["cpts-des-garrigues", "cpts-des-garrigues-2"]
    assert Association.objects.get(project=projects[0]).rna == ""


def test_wizard_errors_are_french_on_their_fields(client, referential):
    user = User.objects.create_user(
        email="paul@exemple.fr", password=PASSWORD, first_name="Paul", last_name="Durand"
    )
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(
        reverse("start:project-start"),
        {"cpts_name": "", "porteur": "EXISTING", "association_name": "A", "rna": "123"},
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert "Choisissez au moins un département." in page
    assert "Le numéro RNA commence par la lettre W" in page
    assert not Project.objects.filter(organisation__memberships__user=user).exists()


@pytest.mark.parametrize("who", ["isabelle.moreau", "helene.rousseau", "marie.chevalier"])
def test_agents_of_review_bodies_never_start_a_cpts(demo, login, client, who):
    login(demo["users"][who])

    assert client.get(reverse("start:project-start")).status_code == 403
    assert client.post(reverse("start:project-start"), {}).status_code == 403


def test_sign_up_of_an_existing_address_reveals_nothing_and_mails_its_owner(
    demo, client, django_capture_on_commit_callbacks
):
    owner = demo["users"]["claire.martin"]
    before = owner.password

    response = _sign_up(client, django_capture_on_commit_callbacks, email=owner.email.upper())

    assert response.status_code == 302
    assert response.url == reverse("accounts:signup-sent")
    owner.refresh_from_db()
    assert owner.password == before and owner.is_active
    assert mail.outbox[-1].subject == "Vous avez déjà un compte CPTS Portal"
    assert "/compte/mot-de-passe/oubli/" in mail.outbox[-1].body


def test_a_second_sign_up_before_confirmation_sends_a_new_link(
    client, db, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)
    _sign_up(client, django_capture_on_commit_callbacks, first_name="Annie")

    assert User.objects.filter(email="anne.leroy@exemple.fr").count() == 1
    assert len(mail.outbox) == 2
    assert "Bonjour Annie" in mail.outbox[-1].body


def test_sign_up_requires_names_and_matching_passwords(client, db):
    response = client.post(
        reverse("accounts:signup"),
        {**FORM, "first_name": "  ", "last_name": "", "password2": "autre"},
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert page.count("Ce champ est obligatoire.") >= 2
    assert "Les deux mots de passe ne sont pas identiques." in page
    assert not User.objects.filter(email="anne.leroy@exemple.fr").exists()


def test_an_expired_or_forged_link_opens_nothing(client, db, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks)
    path = _confirmation_path(mail.outbox[-1])

    forged = client.get(path.replace("/confirmer/", "/confirmer/x"))
    with time_machine.travel(dt.datetime.now() + dt.timedelta(days=signup.CONFIRMATION_DAYS + 1)):
        expired = client.post(path)

    assert forged.status_code == 410
    assert "incomplet ou inconnu" in forged.content.decode()
    assert expired.status_code == 410
    assert "a expiré" in expired.content.decode()
    assert not User.objects.get(email="anne.leroy@exemple.fr").is_active


def test_sign_up_is_throttled_like_the_login(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        assert _sign_up(client, django_capture_on_commit_callbacks).status_code == 302

    response = _sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert "réessayez dans 30 minutes" in response.content.decode()
    assert len(mail.outbox) == 3
    # The keys are digests, never the address.
    assert not SignupAttempt.objects.filter(key__icontains="exemple").exists()
    # The cool-off over, a new attempt goes through.
    with time_machine.travel(dt.datetime.now() + dt.timedelta(minutes=31)):
        assert _sign_up(client, django_capture_on_commit_callbacks).status_code == 302


def test_resending_the_link_is_throttled_and_says_nothing_of_the_address(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.AXES_FAILURE_LIMIT = 2
    _sign_up(client, django_capture_on_commit_callbacks)
    url = reverse("accounts:signup-sent")

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "anne.leroy@exemple.fr"})
        unknown = client.post(url, {"email": "personne@exemple.fr"})
        again = client.post(url, {"email": "anne.leroy@exemple.fr"})
        third = client.post(url, {"email": "anne.leroy@exemple.fr"})

    assert known.status_code == unknown.status_code == again.status_code == 302
    assert len(mail.outbox) == 3  # the sign-up's link and two new links, none for the unknown
    assert third.status_code == 429


def test_starting_projects_is_throttled_per_account(
    client, referential, settings, django_capture_on_commit_callbacks
):
    settings.AXES_FAILURE_LIMIT = 1
    user = User.objects.create_user(
        email="paul@exemple.fr", password=PASSWORD, first_name="Paul", last_name="Durand"
    )
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    assert _start(client, django_capture_on_commit_callbacks).status_code == 302
    assert _start(client, django_capture_on_commit_callbacks).status_code == 429
    assert Project.objects.filter(name="CPTS des Garrigues").count() == 1


def test_first_steps_page_is_the_coordinators(demo, login, client):
    url = reverse("start:first-steps", args=["pic-saint-loup"])
    login(demo["users"]["julien.roux"])  # pilot
    assert client.get(url).status_code == 403
    login(demo["users"]["thomas.lefevre"])  # another CPTS
    assert client.get(url).status_code == 404
    login(demo["users"]["claire.martin"])
    assert client.get(url).status_code == 200


# --- Names on every account -------------------------------------------------------------


def test_profile_refuses_to_blank_the_names(demo, login, client):
    user = demo["users"]["karim.benali"]
    login(user)

    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "",
            "last_name": " ",
            "profession": "",
            "phone": "",
            "version": user.version,
        },
    )

    assert response.status_code == 422
    user.refresh_from_db()
    assert user.first_name and user.last_name


def test_admin_refuses_an_account_without_names(demo, login, client):
    login(demo["users"]["admin"])
    data = {
        "email": "sans.nom@exemple.fr",
        "login_method": "PASSWORD",
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }

    refused = client.post(reverse("admin:accounts_user_add"), data)
    accepted = client.post(
        reverse("admin:accounts_user_add"), {**data, "first_name": "Sam", "last_name": "Noé"}
    )

    assert refused.status_code == 200
    assert "Ce champ est obligatoire." in refused.content.decode()
    assert accepted.status_code == 302
    assert User.objects.get(email="sans.nom@exemple.fr").get_full_name() == "Sam Noé"


def test_an_invitation_accepted_with_proconnect_needs_both_names(demo):
    from accounts import services
    from accounts.models import Invitation

    invitation = Invitation.objects.create(
        organisation=demo["organisations"]["ars-dd-34"],
        email="agent@ars.sante.fr",
        role="REVIEWER",
        token_hash=services._hash("jeton"),
        sent_at="2026-11-20T10:00Z",
        expires_at="2099-01-01T10:00Z",
    )

    with pytest.raises(services.TeamError, match="prénom et votre nom"):
        services.invitation_register_with_proconnect(
            token="jeton", email="agent@ars.sante.fr", first_name="", last_name="Martin"
        )
    assert not User.objects.filter(email="agent@ars.sante.fr").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
