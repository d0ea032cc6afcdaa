import datetime as dt
from decimal import Decimal

import pytest

from governance.checks import deposit_gaps
from governance.deadlines import deadlines
from governance.models import Association, GovernanceDocument, Mandate, Pass

pytestmark = pytest.mark.django_db


def test_the_pass_of_each_year_is_loaded_by_the_migration(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("governance.migrations.0001_initial")
    Pass.objects.all().delete()  # a browser test's flush may already have emptied it

    migration.load_pass(apps, None)

    assert dict(Pass.objects.values_list("year", "amount")) == {
        2023: Decimal("43992.00"),
        2024: Decimal("46368.00"),
        2025: Decimal("47100.00"),
        2026: Decimal("48060.00"),
    }


def test_next_ag_is_due_twelve_months_after_the_last_one(demo):
    project = demo["projects"]["pic-saint-loup"]

    (deadline,) = deadlines(project, today=dt.date(2026, 11, 23))

    assert deadline.date == dt.date(2027, 6, 18)
    assert deadline.kind == "ag"
    assert deadline.label == "Assemblée générale annuelle (dernière le 18/06/2026)"
    assert deadline.url == "/projets/pic-saint-loup/gouvernance/reunions/"


def test_an_ag_planned_in_the_future_does_not_count_as_held(demo):
    project = demo["projects"]["pic-saint-loup"]

    (deadline,) = deadlines(project, today=dt.date(2026, 1, 10))

    assert deadline.date == dt.date(2026, 6, 19)  # 12 months after the AG of 19/06/2025


def test_without_any_ag_the_deadline_says_to_schedule_one(demo):
    project = demo["projects"]["lodevois-larzac"]

    (deadline,) = deadlines(project, today=dt.date(2026, 11, 23))

    assert deadline.date == dt.date(2026, 11, 23)
    assert "à programmer" in deadline.label


def test_a_complete_governance_has_no_deposit_gap(demo):
    assert deposit_gaps(demo["projects"]["pic-saint-loup"]) == []


def test_a_cpts_without_association_lacks_everything(demo):
    assert deposit_gaps(demo["projects"]["lodevois-larzac"]) == [
        "L'association porteuse de la CPTS n'est pas enregistrée.",
        "Les statuts de l'association ne sont pas déposés.",
        "Le système d'information de la CPTS n'est pas décrit (partie 3 du projet de santé).",
        "Le bureau de l'association n'est pas constitué.",
    ]


def test_missing_rna_statuts_and_offices_are_named(demo):
    project = demo["projects"]["pic-saint-loup"]
    Association.objects.filter(project=project).update(rna="")
    GovernanceDocument.objects.filter(project=project, kind="STATUTS").delete()
    Mandate.objects.filter(
        project=project, office__in=["TRESORIER", "SECRETAIRE", "SECRETAIRE_GENERAL"]
    ).update(end_date=dt.date(2025, 12, 31))

    assert deposit_gaps(project) == [
        "Le numéro RNA de l'association n'est pas renseigné.",
        "Les statuts de l'association ne sont pas déposés.",
        "Le bureau n'a pas de trésorier.",
        "Le bureau n'a pas de secrétaire.",
    ]


def test_demo_gives_each_cpts_its_members_bureau_and_ag_minutes(demo):
    pic, uzege = demo["projects"]["pic-saint-loup"], demo["projects"]["uzege-pont-du-gard"]

    assert pic.governance_members.count() == 30
    assert uzege.governance_members.count() == 15
    for project in (pic, uzege):
        offices = set(
            Mandate.objects.current()
            .filter(project=project, body__kind="BUREAU")
            .values_list("office", flat=True)
        )
        assert {"PRESIDENT", "TRESORIER"} <= offices
        # The guide's minimum secretary, or the example statutes' "Secrétaire Général".
        assert offices & {"SECRETAIRE", "SECRETAIRE_GENERAL"}
        assert project.governance_meetings.assemblies().exclude(minutes="").exists()


def test_demo_seed_is_idempotent(demo):
    from demo.governance import seed

    seed(demo)

    assert demo["projects"]["pic-saint-loup"].governance_members.count() == 30
    assert (
        GovernanceDocument.objects.filter(project=demo["projects"]["pic-saint-loup"]).count() == 3
    )
