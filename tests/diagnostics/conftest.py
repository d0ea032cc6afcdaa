import pytest

from tests.factories import make_membership, make_organisation, make_project, make_user


@pytest.fixture
def coordinator(referential):
    return make_user(first_name="Camille", last_name="Coord")


@pytest.fixture
def project(coordinator):
    """A fresh CPTS project without territory, with its coordinator."""
    organisation = make_organisation(kind="CPTS")
    make_membership(user=coordinator, organisation=organisation, role="COORDINATOR")
    return make_project(organisation=organisation, departements=())
