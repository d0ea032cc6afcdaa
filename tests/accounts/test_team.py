import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, TeamEvent, User
from tests.factories import make_membership

pytestmark = pytest.mark.django_db

TEAM = "/organisations/cpts-pic-saint-loup/equipe/"


def _invite(
    client,
    django_capture_on_commit_callbacks,
    email="nouvelle.pilote@exemple.fr",
    role="PILOT",
    slug="cpts-pic-saint-loup",
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("team:invitation-create", args=[slug]), {"email": email, "role": role}
        )
    return response


def _link(message) -> str:
    return re.search(r"http://testserver(/compte/invitation/\S+/)", message.body).group(1)


def test_coordinator_invites_a_pilot_who_creates_his_account_and_gets_the_pilot_rights(
    demo, login, client, django_capture_on_commit_callbacks
):
    login(demo["users"]["claire.martin"])

    response = _invite(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle.pilote@exemple.fr"]
    assert "vous invite à rejoindre Association CPTS du Pic Saint-Loup" in message.subject
    assert "pilote d'action" in message.body
    assert message.alternatives[0][1] == "text/html"
    link = _link(message)
    client.logout()
    page = client.get(link)
    assert "Créez votre compte" in page.content.decode()
    response = client.post(
        link,
        {
            "first_name": "Léa",
            "last_name": "Bernard",
            "profession": "Infirmière",
            "password1": "Un-mot-de-passe-solide-2026",
            "password2": "Un-mot-de-passe-solide-2026",
        },
        follow=True,
    )
    assert response.request["PATH_INFO"] == "/projets/pic-saint-loup/"
    user = User.objects.get(email="nouvelle.pilote@exemple.fr")
    assert response.context["user"] == user
    assert Membership.objects.get(user=user).role == "PILOT"
    assert "Votre rôle : pilote d&#x27;action" in response.content.decode()
    assert client.get(link).status_code == 410  # single use
    kinds = list(TeamEvent.objects.values_list("kind", flat=True))
    assert kinds == ["ACCEPTED", "INVITED"]


def test_registration_refuses_mismatched_or_weak_passwords_in_french(
    demo, login, client, django_capture_on_commit_callbacks
):
    login(demo["users"]["claire.martin"])
    _invite(client, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    client.logout()

    response = client.post(
        link,
        {"first_name": "Léa", "last_name": "Bernard", "password1": "abc", "password2": "abd"},
    )

    assert response.status_code == 422
    assert "Les deux mots de passe ne sont pas identiques." in response.content.decode()
    assert not User.objects.filter(email="nouvelle.pilote@exemple.fr").exists()


@pytest.mark.parametrize(
    ("what", "expected"),
    [
        ("expired", "a expiré le"),
        ("cancelled", "Cette invitation a été annulée"),
        ("used", "Ce lien a déjà servi"),
        ("resent", "Ce lien ne correspond à aucune invitation"),
    ],
)
def test_an_unusable_link_says_why_and_grants_nothing(
    demo, login, client, django_capture_on_commit_callbacks, what, expected
):
    coordinator = demo["users"]["claire.martin"]
    login(coordinator)
    _invite(client, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    invitation = Invitation.objects.get()
    if what == "cancelled":
        client.post(reverse("team:invitation-cancel", args=["cpts-pic-saint-loup", invitation.pk]))
    elif what == "used":
        # Accepted by its addressee (only he may: issue 20).
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    elif what == "resent":
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("team:invitation-resend", args=["cpts-pic-saint-loup", invitation.pk])
            )
        assert len(mail.outbox) == 2 and _link(mail.outbox[1]) != link
    client.logout()
    memberships = Membership.objects.count()

    with time_machine.travel(timezone.now() + dt.timedelta(days=8 if what == "expired" else 0)):
        response = client.get(link)
        posted = client.post(
            link,
            {
                "first_name": "X",
                "last_name": "Y",
                "password1": "Un-mot-de-passe-solide-2026",
                "password2": "Un-mot-de-passe-solide-2026",
            },
        )

    assert response.status_code in (404, 410)
    assert expected in response.content.decode()
    assert posted.status_code == response.status_code
    assert Membership.objects.count() == memberships
    assert not User.objects.filter(email="nouvelle.pilote@exemple.fr").exists()


def test_a_resent_link_works(demo, login, client, django_capture_on_commit_callbacks):
    login(demo["users"]["claire.martin"])
    _invite(client, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("team:invitation-resend", args=["cpts-pic-saint-loup", invitation.pk]))
    client.logout()

    response = client.get(_link(mail.outbox[1]))

    assert response.status_code == 200
    assert "Rejoindre Association CPTS du Pic Saint-Loup" in response.content.decode()


def test_an_existing_user_joins_with_his_account(
    demo, login, client, django_capture_on_commit_callbacks
):
    reviewer = demo["users"]["isabelle.moreau"]
    login(demo["users"]["claire.martin"])
    _invite(client, django_capture_on_commit_callbacks, email=reviewer.email, role="MEMBER")
    link = _link(mail.outbox[0])
    client.logout()
    anonymous_page = client.get(link)
    assert "Se connecter pour rejoindre" in anonymous_page.content.decode()
    login(reviewer)

    response = client.post(link, follow=True)

    assert (
        Membership.objects.get(user=reviewer, organisation__slug="cpts-pic-saint-loup").role
        == "MEMBER"
    )
    assert response.status_code == 200
    assert {d["label"] for d in response.context["destinations"]} == {
        "CPTS du Pic Saint-Loup",
        "Instruction",
    }


def test_a_logged_in_account_cannot_redeem_an_invitation_sent_to_another_address(
    demo, login, client, django_capture_on_commit_callbacks
):
    """Issue 20: an ARS reviewer opened a pilot's invitation and became pilot of the CPTS."""
    login(demo["users"]["claire.martin"])
    _invite(client, django_capture_on_commit_callbacks, email="jean.dupont@exemple.fr")
    link = _link(mail.outbox[0])
    client.logout()
    reviewer = demo["users"]["isabelle.moreau"]
    login(reviewer)
    memberships = set(Membership.objects.values_list("pk", flat=True))

    page = client.get(link)
    posted = client.post(link)

    for response in (page, posted):
        content = response.content.decode()
        assert response.status_code == 403
        assert "a été envoyée à une autre adresse (j***@exemple.fr)" in content
        assert "jean.dupont@exemple.fr" not in content
        assert "Me déconnecter et revenir à l'invitation" in content
        assert f'name="next" value="{link}"' in content
    assert set(Membership.objects.values_list("pk", flat=True)) == memberships
    assert not reviewer.memberships.filter(organisation__slug="cpts-pic-saint-loup").exists()
    assert Invitation.objects.get().status_at(timezone.now()) == Invitation.Status.PENDING
    # Logging out from that page comes back to the invitation, for the right account.
    back = client.post(reverse("accounts:logout"), {"next": link})
    assert back.status_code == 302 and back.url == link
    assert "Créez votre compte" in client.get(link).content.decode()


def test_the_service_refuses_an_account_of_another_address(
    demo, login, client, django_capture_on_commit_callbacks
):
    login(demo["users"]["claire.martin"])
    _invite(client, django_capture_on_commit_callbacks, email="jean.dupont@exemple.fr")
    token = _link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]

    with pytest.raises(services.InvitationForAnotherAddress):
        services.invitation_accept(token=token, user=demo["users"]["isabelle.moreau"])

    assert not Invitation.objects.get().accepted_at


def test_the_invited_account_accepts_whatever_the_case_of_its_address(
    demo, login, client, django_capture_on_commit_callbacks
):
    reviewer = demo["users"]["isabelle.moreau"]
    login(demo["users"]["claire.martin"])
    _invite(client, django_capture_on_commit_callbacks, email=reviewer.email.upper(), role="PILOT")
    link = _link(mail.outbox[0])
    client.logout()
    login(reviewer)

    response = client.post(link)

    assert response.status_code == 302
    assert reviewer.memberships.get(organisation__slug="cpts-pic-saint-loup").role == "PILOT"


def test_registration_creates_the_account_of_the_invited_address_only(
    demo, login, client, django_capture_on_commit_callbacks
):
    login(demo["users"]["claire.martin"])
    _invite(client, django_capture_on_commit_callbacks, email="jean.dupont@exemple.fr")
    link = _link(mail.outbox[0])
    client.logout()

    response = client.post(
        link,
        {
            "email": "autre.personne@exemple.fr",  # not a field: the address is the invitation's
            "first_name": "Autre",
            "last_name": "Personne",
            "password1": "Un-mot-de-passe-solide-2026",
            "password2": "Un-mot-de-passe-solide-2026",
        },
    )

    assert response.status_code == 302
    assert not User.objects.filter(email__iexact="autre.personne@exemple.fr").exists()
    user = User.objects.get(email="jean.dupont@exemple.fr")
    assert user.memberships.get().organisation.slug == "cpts-pic-saint-loup"


def test_inviting_a_member_or_a_pending_address_twice_is_refused(
    demo, login, client, django_capture_on_commit_callbacks
):
    login(demo["users"]["claire.martin"])
    _invite(client, django_capture_on_commit_callbacks)

    twice = _invite(client, django_capture_on_commit_callbacks)
    member = _invite(
        client, django_capture_on_commit_callbacks, email="KARIM.BENALI@demo.cpts-portal.fr"
    )

    assert twice.status_code == 422
    assert "Une invitation est déjà en attente" in twice.content.decode()
    assert member.status_code == 422
    assert "fait déjà partie de l&#x27;équipe" in member.content.decode()
    assert len(mail.outbox) == 1


def test_a_review_manager_invites_a_decider_but_not_a_cpts_role(
    demo, login, client, django_capture_on_commit_callbacks
):
    login(demo["users"]["isabelle.moreau"])

    wrong = _invite(
        client, django_capture_on_commit_callbacks, slug="ars-dd-34", role="COORDINATOR"
    )
    right = _invite(client, django_capture_on_commit_callbacks, slug="ars-dd-34", role="DECIDER")

    assert wrong.status_code == 422
    assert right.status_code == 302
    assert Invitation.objects.get().role == "DECIDER"


def test_the_last_coordinator_cannot_be_removed_or_demoted(demo, login, client):
    coordinator = demo["users"]["claire.martin"]
    login(coordinator)
    membership = Membership.objects.get(user=coordinator)

    removed = client.post(
        reverse("team:membership-remove", args=["cpts-pic-saint-loup", membership.pk]), follow=True
    )
    demoted = client.post(
        reverse("team:membership-update", args=["cpts-pic-saint-loup", membership.pk]),
        {f"m{membership.pk}-role": "MEMBER"},
        follow=True,
    )

    assert "La CPTS doit garder au moins un coordinateur" in removed.content.decode()
    assert "La CPTS doit garder au moins un coordinateur" in demoted.content.decode()
    assert Membership.objects.get(pk=membership.pk).role == "COORDINATOR"


def test_the_last_manager_of_a_review_body_cannot_be_removed(demo, login, client):
    manager = demo["users"]["isabelle.moreau"]
    login(manager)
    membership = Membership.objects.get(user=manager)

    response = client.post(
        reverse("team:membership-update", args=["ars-dd-34", membership.pk]),
        {f"m{membership.pk}-role": "REVIEWER"},
        follow=True,
    )

    assert "au moins un responsable d&#x27;équipe" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).is_manager


def test_a_second_coordinator_allows_the_first_to_step_down(demo, login, client):
    login(demo["users"]["claire.martin"])
    pilot = Membership.objects.get(user=demo["users"]["julien.roux"])
    client.post(
        reverse("team:membership-update", args=["cpts-pic-saint-loup", pilot.pk]),
        {f"m{pilot.pk}-role": "COORDINATOR"},
    )
    mine = Membership.objects.get(user=demo["users"]["claire.martin"])

    client.post(
        reverse("team:membership-update", args=["cpts-pic-saint-loup", mine.pk]),
        {f"m{mine.pk}-role": "BUREAU"},
    )

    assert Membership.objects.get(pk=mine.pk).role == "BUREAU"
    events = list(TeamEvent.objects.values_list("kind", "detail"))
    assert events[0] == ("ROLE_CHANGED", "coordinateur → membre du bureau")


def test_a_removed_member_loses_access_at_once_and_keeps_his_name_in_the_trace(demo, login, client):
    karim = demo["users"]["karim.benali"]
    karim_client = login(karim)
    assert karim_client.get("/projets/pic-saint-loup/").status_code == 200
    TeamEvent.objects.create(
        organisation=demo["organisations"]["cpts-pic-saint-loup"],
        kind="INVITED",
        actor=karim,
        email="x@exemple.fr",
    )
    from django.test import Client

    coordinator_client = Client()
    coordinator_client.force_login(
        demo["users"]["claire.martin"], backend="django.contrib.auth.backends.ModelBackend"
    )
    membership = Membership.objects.get(user=karim)

    coordinator_client.post(
        reverse("team:membership-remove", args=["cpts-pic-saint-loup", membership.pk])
    )

    assert karim_client.get("/projets/pic-saint-loup/").status_code == 404
    page = coordinator_client.get(TEAM).content.decode()
    assert "par Karim Benali" in page
    assert "Retrait de l&#x27;équipe : karim.benali@demo.cpts-portal.fr" in page
    assert User.objects.filter(pk=karim.pk).exists()


def test_profile_edit_and_organisations(demo, login):
    client = login(demo["users"]["julien.roux"])

    response = client.post(
        reverse("accounts:profile"),
        {
            "version": User.objects.get(pk=demo["users"]["julien.roux"].pk).version,
            "first_name": "Julien",
            "last_name": "Roux-Martin",
            "profession": "Médecin généraliste",
            "phone": "04 67 00 00 00",
        },
        follow=True,
    )

    assert "Vos informations sont enregistrées." in response.content.decode()
    assert User.objects.get(pk=demo["users"]["julien.roux"].pk).last_name == "Roux-Martin"
    assert "Association CPTS du Pic Saint-Loup" in response.content.decode()


def test_password_change(demo, login):
    user = demo["users"]["julien.roux"]
    client = login(user)

    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "mot-de-passe-demo",
            "new_password1": "Nouveau-mot-de-passe-2026",
            "new_password2": "Nouveau-mot-de-passe-2026",
        },
        follow=True,
    )

    assert "Votre mot de passe est modifié." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Nouveau-mot-de-passe-2026")


def test_team_page_queries_do_not_grow_with_the_team(demo, login, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(demo["users"]["claire.martin"])
    organisation = demo["organisations"]["cpts-pic-saint-loup"]
    client.get(TEAM)
    with CaptureQueriesContext(connection) as small:
        client.get(TEAM)
    for _ in range(40):
        make_membership(organisation=organisation, role="MEMBER")
        TeamEvent.objects.create(organisation=organisation, kind="INVITED", email="a@exemple.fr")

    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(TEAM).status_code == 200


def test_a_pilot_is_invited_from_the_fiche_and_the_coordinator_comes_back_to_it(
    demo, login, client, django_capture_on_commit_callbacks
):
    login(demo["users"]["claire.martin"])
    fiche = client.get("/projets/pic-saint-loup/fiches/2/").content.decode()
    assert "Inviter une personne comme pilote" in fiche
    team = client.get(TEAM, {"role": "PILOT", "next": "/projets/pic-saint-loup/fiches/2/"})
    assert 'value="PILOT" selected' in team.content.decode()
    assert 'name="next" value="/projets/pic-saint-loup/fiches/2/"' in team.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("team:invitation-create", args=["cpts-pic-saint-loup"]),
            {
                "email": "pilote@exemple.fr",
                "role": "PILOT",
                "next": "/projets/pic-saint-loup/fiches/2/",
            },
        )

    assert response.status_code == 302
    assert response.url == "/projets/pic-saint-loup/fiches/2/"
    assert Invitation.objects.get().role == "PILOT"


def test_a_removed_member_keeps_his_name_in_the_fiche_history(demo, login, client):
    from missions.models import Fiche

    karim = demo["users"]["karim.benali"]
    fiche = Fiche.objects.get(project__slug="pic-saint-loup", pilot=karim)
    karim_client = login(karim)
    saved = karim_client.post(
        f"/projets/pic-saint-loup/fiches/{fiche.number}/sections/constats/",
        {"version": fiche.version, "problems": "Constat de Karim", "objectives": "x"},
    )
    assert saved.status_code in (200, 302)
    membership = Membership.objects.get(user=karim)
    login(demo["users"]["claire.martin"]).post(
        reverse("team:membership-remove", args=["cpts-pic-saint-loup", membership.pk])
    )

    refused = login(karim).get(f"/projets/pic-saint-loup/fiches/{fiche.number}/")
    history = login(demo["users"]["claire.martin"]).get(
        f"/projets/pic-saint-loup/fiches/{fiche.number}/historique/"
    )

    assert refused.status_code == 404
    assert "Karim Benali" in history.content.decode()
    assert "Constat de Karim" in history.content.decode()
