import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from projects.models import Deposit, Document, Project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_mode(settings):
    """`make run` seeds with DEMO_MODE=true (the Makefile's DEMO_ENV)."""
    settings.DEMO_MODE = True


def _counts():
    return (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Project.objects.count(),
    )


def test_seed_demo_creates_one_account_per_role_and_projects_at_different_stages(referential):
    call_command("seed_demo", verbosity=0)

    projects = Project.objects.prefetch_related("departements")
    assert {p.stage for p in projects} >= {"INITIATIVE", "REDACTION", "INSTRUCTION"}
    assert {d.code for p in projects for d in p.departements.all()} == {"30", "34"}
    roles = set(Membership.objects.values_list("role", "organisation__kind"))
    assert roles >= {
        ("COORDINATOR", "CPTS"),
        ("PILOT", "CPTS"),
        ("BUREAU", "CPTS"),
        ("REVIEWER", "ARS_DD"),
        ("DECIDER", "ARS_DD"),
        ("REVIEWER", "CPAM"),
        ("REVIEWER", "URPS"),
        ("ANALYST", "ARS_SIEGE"),
    }
    assert User.objects.filter(is_superuser=True).count() == 1


def test_seed_demo_is_idempotent(referential):
    call_command("seed_demo", verbosity=0)
    first = _counts()
    Project.objects.filter(slug="pic-saint-loup").update(stage="SUIVI")

    call_command("seed_demo", verbosity=0)

    assert _counts() == first
    assert Project.objects.get(slug="pic-saint-loup").stage == "REDACTION"


def test_seed_demo_sets_the_given_password(referential):
    call_command("seed_demo", "--password", "un-autre-mot-de-passe", verbosity=0)

    assert User.objects.get(email__startswith="claire.martin").check_password(
        "un-autre-mot-de-passe"
    )


def test_seed_demo_refuses_to_run_outside_the_demo_mode(referential, settings):
    settings.DEMO_MODE = False

    with pytest.raises(CommandError, match="mode démo"):
        call_command("seed_demo", verbosity=0)


def test_seed_demo_runs_outside_the_demo_mode_when_forced(referential, settings):
    settings.DEMO_MODE = False

    call_command("seed_demo", "--force", verbosity=0)

    assert User.objects.filter(is_superuser=True).count() == 1


def test_seed_demo_freezes_the_deposits_and_puts_their_acts_on_the_record(
    referential, django_capture_on_commit_callbacks
):
    # The tests' demo is seeded without the PDFs (tests/conftest.py): as on a first run.
    Deposit.objects.update(snapshot={}, snapshot_hash="")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)

    thau = Deposit.objects.get(project__slug="bassin-de-thau")
    uzege = Deposit.objects.get(project__slug="uzege-pont-du-gard")
    for deposit in (thau, uzege):
        assert deposit.snapshot["missions.Fiche"] and len(deposit.snapshot_hash) == 64
        assert timezone.localdate(deposit.deposited_at) == deposit.received_date
    acts = {(d.project.slug, d.kind): d for d in Document.objects.filter(deposit__in=[thau, uzege])}
    assert set(acts) == {
        ("bassin-de-thau", "PROJET_DE_SANTE"),
        ("bassin-de-thau", "ACK_RECEIPT"),
        ("bassin-de-thau", "DECISION_LETTER"),
        ("uzege-pont-du-gard", "PROJET_DE_SANTE"),
        ("uzege-pont-du-gard", "ACK_RECEIPT"),
    }
    assert all(d.status == "DONE" and len(d.file_hash) == 64 for d in acts.values())
    assert acts[("bassin-de-thau", "DECISION_LETTER")].params["date"] == "2024-04-22"
    assert "Le 22 avril 2024" in acts[("bassin-de-thau", "DECISION_LETTER")].source_html
    assert acts[("uzege-pont-du-gard", "ACK_RECEIPT")].params["date"] == (
        uzege.received_date.isoformat()
    )
    assert mail.outbox == []  # acts of the demo's past: announced to nobody
    # Run again: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    assert Document.objects.filter(deposit__in=[thau, uzege]).count() == 5
