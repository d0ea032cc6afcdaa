"""Plain make_* helpers for test data."""

import itertools

from accounts.models import Membership, Organisation, User
from geo.models import Departement
from projects.models import Project

_counter = itertools.count(1)


def make_user(**overrides) -> User:
    n = next(_counter)
    fields = {"email": f"personne{n}@exemple.fr", "first_name": "Prénom", "last_name": f"Nom{n}"}
    fields.update(overrides)
    password = fields.pop("password", "mot-de-passe-test")
    return User.objects.create_user(password=password, **fields)


def make_organisation(*, departements=(), **overrides) -> Organisation:
    n = next(_counter)
    fields = {"name": f"Organisation {n}", "slug": f"organisation-{n}", "kind": "CPTS"}
    fields.update(overrides)
    organisation = Organisation.objects.create(**fields)
    organisation.departements.set(Departement.objects.filter(code__in=departements))
    return organisation


def make_membership(*, user=None, organisation=None, role="MEMBER") -> Membership:
    return Membership.objects.create(
        user=user or make_user(), organisation=organisation or make_organisation(), role=role
    )


def make_project(*, organisation=None, departements=("34",), **overrides) -> Project:
    n = next(_counter)
    fields = {"name": f"CPTS numéro {n}", "slug": f"cpts-{n}"}
    fields.update(overrides)
    project = Project.objects.create(organisation=organisation or make_organisation(), **fields)
    project.departements.set(Departement.objects.filter(code__in=departements))
    return project
