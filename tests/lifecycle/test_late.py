"""The queue's "late" flag and filter (lifecycle.filters.late_q) against its definition:
a contract year whose anniversary has passed without its dialogue signed by the three
parties. A sweep of signature dates around the anniversaries and of signed years."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from lifecycle.filters import late_q
from lifecycle.queue import attach_lateness
from projects.deadlines import dialogues_overdue, latest_start_before
from projects.models import AnnualDialogue, Contract, Project, State

pytestmark = pytest.mark.django_db

THAU = "bassin-de-thau"


def _late_by_definition(signature: dt.date, signed: set[int], today: dt.date) -> bool:
    return any(
        signature <= latest_start_before(today, 12 * year) and year not in signed
        for year in range(1, Contract.YEARS + 1)
    )


def test_late_is_a_due_year_without_its_signed_dialogue(demo):
    project = demo["projects"][THAU]
    assert project.state == State.CONTRACTED
    today = timezone.localdate()
    contract = Contract.objects.get(project=project)
    now = timezone.now()
    anniversaries = [latest_start_before(today, 12 * year) for year in range(1, 6)]
    signatures = sorted(
        {day + dt.timedelta(days=shift) for day in anniversaries for shift in (-1, 0, 1)}
        | {today, today - dt.timedelta(days=2300)}
    )
    patterns = [set(), {1}, {2}, {1, 2}, {1, 2, 3}, {1, 3, 4}, {1, 2, 3, 4, 5}]
    seen = set()
    for signature, signed in itertools.product(signatures, patterns):
        Contract.objects.filter(pk=contract.pk).update(signature_date=signature)
        AnnualDialogue.objects.filter(project=project).delete()
        for year in range(1, 6):
            AnnualDialogue.objects.create(
                project=project,
                year=year,
                cpts_signed_at=now,
                cpam_signed_at=now,
                # a dialogue signed by two parties only is not signed
                ars_signed_at=now if year in signed else None,
            )
        expected = _late_by_definition(signature, signed, today)
        found = Project.objects.filter(pk=project.pk).filter(late_q(today)).exists()
        assert found == expected, (signature, signed)
        # The queue's rows are flagged by the same rule in Python.
        assert dialogues_overdue(signature, signed, today) == expected, (signature, signed)
        row = Project.objects.get(pk=project.pk)
        attach_lateness([row], today)
        assert row.is_late == expected, (signature, signed)
        seen.add(expected)
    assert seen == {True, False}


def test_a_project_not_under_contract_is_never_late(demo):
    today = timezone.localdate()
    late = Project.objects.filter(late_q(today)).exclude(state=State.CONTRACTED)
    assert not late.exists()


def test_the_queue_flags_a_late_contract_and_only_it(demo, login):
    """The reviewer's queue shows "en retard" on the contracted project whose due dialogue is
    not signed (the Bassin de Thau's second year, in the demo), and no more once the due
    dialogues are signed by the three parties."""
    client = login(demo["users"]["pierre.blanc"])  # the regional Inter URPS sees all three
    page = client.get("/instruction/")
    assert page.status_code == 200
    assert [p.slug for p in page.context["page"] if p.is_late] == [THAU]
    assert page.content.decode().count("en retard") == 1
    now = timezone.now()
    for year in (1, 2):
        AnnualDialogue.objects.update_or_create(
            project=demo["projects"][THAU],
            year=year,
            defaults={"cpts_signed_at": now, "cpam_signed_at": now, "ars_signed_at": now},
        )
    page = client.get("/instruction/")
    assert not [p.slug for p in page.context["page"] if p.is_late]
    assert "en retard" not in page.content.decode()
