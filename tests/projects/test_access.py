import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import Membership, Organisation
from projects import access
from tests.factories import make_membership, make_organisation, make_project

pytestmark = pytest.mark.django_db


def _slugs(queryset):
    return set(queryset.values_list("slug", flat=True))


def test_projects_for_user_gives_a_cpts_member_his_project_only(demo):
    user = demo["users"]["karim.benali"]

    assert _slugs(access.projects_for_user(user)) == {"pic-saint-loup"}


def test_projects_for_user_gives_a_reviewer_the_transmitted_projects_of_his_departements(demo):
    assert _slugs(access.projects_for_user(demo["users"]["isabelle.moreau"])) == {
        "pic-saint-loup",
        "bassin-de-thau",
    }
    assert _slugs(access.projects_for_user(demo["users"]["camille.dupuis"])) == {
        "uzege-pont-du-gard"
    }


def test_projects_for_user_gives_a_regional_reviewer_every_transmitted_project_of_the_region(demo):
    user = demo["users"]["pierre.blanc"]

    assert _slugs(access.projects_for_user(user)) == {
        "pic-saint-loup",
        "uzege-pont-du-gard",
        "bassin-de-thau",
    }


def test_projects_for_user_gives_an_analyst_every_project_of_his_region_at_any_stage(demo):
    make_project(departements=["13"], slug="hors-region")  # Bouches-du-Rhône: PACA

    assert _slugs(access.projects_for_user(demo["users"]["helene.rousseau"])) == {
        "pic-saint-loup",
        "uzege-pont-du-gard",
        "bassin-de-thau",
        "lodevois-larzac",
    }


def test_projects_for_user_follows_a_territory_across_departements(demo):
    project = make_project(departements=["30", "34"], submitted_at="2026-05-01T10:00Z")

    assert project.slug in _slugs(access.projects_for_user(demo["users"]["isabelle.moreau"]))
    assert project.slug in _slugs(access.projects_for_user(demo["users"]["camille.dupuis"]))


def test_projects_for_user_gives_a_national_analyst_every_project(demo):
    national = make_organisation(kind="ARS_SIEGE", scope="NATIONAL", name="Ministère")
    analyst = make_membership(organisation=national, role="ANALYST").user
    make_project(departements=["13"], slug="marseille-nord")

    assert "marseille-nord" in _slugs(access.projects_for_user(analyst))


def test_get_project_for_user_raises_404_for_outsiders_and_403_for_the_wrong_role(demo):
    users = demo["users"]

    with pytest.raises(Http404):
        access.get_project_for_user(users["thomas.lefevre"], "pic-saint-loup")
    with pytest.raises(PermissionDenied):
        access.get_project_for_user(
            users["julien.roux"], "pic-saint-loup", perm="projects.change_project"
        )
    project = access.get_project_for_user(
        users["claire.martin"], "pic-saint-loup", perm="projects.change_project"
    )
    assert project.slug == "pic-saint-loup"


def test_grant_for_a_decider_in_scope(demo):
    project = demo["projects"]["pic-saint-loup"]

    grant = access.access_for(demo["users"]["philippe.girard"], project)

    assert grant.review_roles == {Membership.Role.DECIDER}
    assert grant.review_kinds == {Organisation.Kind.ARS_DD}
    assert grant.cpts_role is None


def test_inactive_user_sees_nothing(demo):
    user = demo["users"]["claire.martin"]
    user.is_active = False
    user.save()

    assert not access.projects_for_user(user).exists()


@pytest.mark.parametrize(
    ("role", "kind", "valid"),
    [
        ("COORDINATOR", "CPTS", True),
        ("COORDINATOR", "CPAM", False),
        ("DECIDER", "ARS_DD", True),
        ("DECIDER", "CPAM", False),
        ("REVIEWER", "URPS", True),
        ("ANALYST", "ARS_SIEGE", True),
        ("ANALYST", "CPTS", False),
    ],
)
def test_membership_role_must_fit_the_organisation(referential, role, kind, valid):
    membership = make_membership(organisation=make_organisation(kind=kind), role=role)

    if valid:
        membership.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            membership.full_clean()
        assert "Ce rôle n'existe pas" in str(error.value)
