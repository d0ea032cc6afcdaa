"""`manage.py seed_scale`: national-scale data, coherent with the pages that read it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership, Organisation
from demo import scale
from diagnostics.models import TerritoryCommune
from funding.models import Budget
from governance.models import Member
from lifecycle.transitions import DEPOSIT_CHECKS
from missions.models import Fiche, Indicator, IndicatorResult, SubAction
from missions.services import row_create
from projects.models import Contract, Deposit, Project, State
from tests.conftest import TEST_DEPARTEMENTS

pytestmark = pytest.mark.django_db


def _seed(*args) -> str:
    out = StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def test_seed_scale_creates_coherent_projects_of_realistic_size(referential):
    output = _seed("--cpts", "3")

    projects = list(scale.scale_projects().order_by("slug"))
    assert [p.slug for p in projects] == ["scale-0001", "scale-0002", "scale-0003"]
    assert "3 projects created" in output
    # Spread: three states and three départements already.
    assert len({p.state for p in projects}) == 3
    departements = {d.code for p in projects for d in p.departements.all()}
    assert len(departements) == 3 and departements <= set(TEST_DEPARTEMENTS)
    for project in projects:
        fiches = Fiche.objects.filter(project=project)
        assert 20 <= fiches.count() <= 30
        assert set(fiches.values_list("mission__code", flat=True)) == {
            "1a", "1b", "2", "3", "4", "5", "6"
        }  # fmt: skip
        indicators = Indicator.objects.filter(fiche__project=project)
        assert indicators.count() == 5 * fiches.count()
        assert Member.objects.filter(project=project).count() == 50
        assert Budget.objects.get(project=project).lines.count() >= 12
        communes = TerritoryCommune.objects.filter(territory__project=project)
        assert communes.exists()
        assert {c.commune.departement_id for c in communes} == {
            d.code for d in project.departements.all()
        }
        roles = set(
            Membership.objects.filter(organisation=project.organisation).values_list(
                "role", flat=True
            )
        )
        assert roles == {"COORDINATOR", "BUREAU", "PILOT", "MEMBER"}
        results = IndicatorResult.objects.filter(indicator__fiche__project=project)
        if project.state == State.CONTRACTED:
            assert Contract.objects.filter(project=project).exists()
            assert results.count() == 5 * indicators.count()  # one per indicator and year
        else:
            assert not results.exists()
        if project.state in (State.DEPOSITED, State.CONTRACTED):
            assert Deposit.objects.get(project=project).avis.count() == 5
            assert project.submitted_at is not None


def test_seed_scale_spreads_over_every_state_and_departement(referential):
    _seed("--cpts", "11")

    projects = scale.scale_projects()
    assert set(projects.values_list("state", flat=True)) == set(State.values)
    departements = set(projects.values_list("departements__code", flat=True))
    assert departements == set(TEST_DEPARTEMENTS)  # 11 projects over the 5 loaded


def test_seed_scale_adds_only_the_missing_projects_and_reset_starts_again(referential):
    _seed("--cpts", "2")
    first = Fiche.objects.filter(project__slug="scale-0001").values_list("pk", flat=True)
    first = set(first)

    output = _seed("--cpts", "2")
    assert "0 projects created" in output
    assert scale.scale_projects().count() == 2
    assert set(Fiche.objects.filter(project__slug="scale-0001").values_list("pk", flat=True)) == (
        first
    )

    _seed("--cpts", "3")
    assert scale.scale_projects().count() == 3

    _seed("--cpts", "1", "--reset")
    assert list(scale.scale_projects().values_list("slug", flat=True)) == ["scale-0001"]
    assert not Fiche.objects.filter(pk__in=first).exists()
    assert not Fiche.history.filter(id__in=first).exists()
    assert not Project.objects.filter(slug="scale-0002").exists()
    assert Organisation.objects.filter(slug="scale-ars-dd-34").exists()  # bodies come back


def test_seeded_records_can_be_edited_through_the_services(referential):
    _seed("--cpts", "1")
    project = Project.objects.get(slug="scale-0001")
    fiche = Fiche.objects.get(project=project, number=1)
    coordinator = scale.review_accounts(project)["coordinator"]

    # The rows carry their creation in the history, where the next number comes from.
    row = row_create(fiche=fiche, model=SubAction, by=coordinator, fields={"what": "Nouvelle"})

    assert row.number == 4


def test_seeded_pages_render_for_their_users(referential, login):
    _seed("--cpts", "3")
    deposited = Project.objects.get(slug="scale-0003")
    assert deposited.state == State.DEPOSITED
    accounts = scale.review_accounts(deposited)
    fiche = Fiche.objects.get(project=deposited, number=1)

    client = login(accounts["coordinator"])
    response = client.get(reverse("missions:fiche-detail", args=[deposited.slug, 1]))
    assert response.status_code == 200
    assert escape(fiche.title) in response.content.decode()
    assert client.get(reverse("lifecycle:project-detail", args=[deposited.slug])).status_code == 200

    client = login(accounts["reviewer"])
    response = client.get(reverse("lifecycle:review-queue"))
    assert response.status_code == 200
    assert deposited in list(response.context["page"])

    client = login(accounts["analyst_national"])
    response = client.get(reverse("lifecycle:analyst-overview"))
    assert response.status_code == 200
    assert response.context["total"] >= 3


def test_seeded_project_in_redaction_can_be_deposited_by_its_coordinator(referential, login):
    """The bench times the deposit on scale projects in redaction: they must pass every
    deposit check (a retained indicator for 1a and for 1b, the statuts, the information
    system), and the coordinator's confirmed deposit must go through."""
    _seed("--cpts", "2")
    project = Project.objects.get(slug="scale-0002")
    assert project.state == State.REDACTION
    assert [gap for check in DEPOSIT_CHECKS for gap in check(project)] == []

    client = login(scale.review_accounts(project)["coordinator"])
    response = client.post(
        reverse("lifecycle:project-transition", args=[project.slug]),
        {"action": "deposit", "confirm_deposit": "on"},
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.state == State.DEPOSITED
    assert Deposit.objects.filter(project=project).count() == 1


def test_seeded_contracts_have_the_basis_the_portal_freezes_at_the_signature(referential):
    from lifecycle.followup import funding_basis
    from lifecycle.models import ContractYearBasis

    _seed("--cpts", "3")
    contracted = [p for p in scale.scale_projects() if Contract.objects.filter(project=p)]
    assert contracted
    for project in contracted:
        frozen = ContractYearBasis.objects.get(project=project, year=1)
        expected = funding_basis(project)
        assert (frozen.population, frozen.tier, frozen.missions, frozen.snp_orientation) == (
            expected.population,
            expected.tier,
            expected.missions,
            expected.snp_orientation,
        )
        assert frozen.taken_on == Contract.objects.get(project=project).signature_date
