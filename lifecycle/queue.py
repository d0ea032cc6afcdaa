"""The reviewers' queue: its projects, each with the clock of its latest deposit
(projects.deadlines), read in a fixed number of queries whatever the number of rows."""

from collections import defaultdict

from django.db.models import OuterRef, Subquery

from projects import access
from projects.deadlines import deposit_clock, dialogues_overdue
from projects.models import AnnualDialogue, Contract, Deposit, State


def clock_annotations() -> dict:
    """What the queue needs of a project's latest deposit, as annotations of a project
    queryset: its id (the page reads the deposits of its rows at once: attach_clocks) and
    the start of its clock (the queue's order)."""
    latest = Deposit.objects.filter(project=OuterRef("pk")).order_by("-number")
    return {
        "clock_deposit_id": Subquery(latest.values("pk")[:1]),
        "clock_start": Subquery(latest.values("clock_start_date")[:1]),
    }


def queue_projects(user):
    """The reviewer's projects with their clock's start and their ACI contract (one query for
    the page, whatever the number of projects)."""
    return (
        access.reviewable_projects(user).select_related("contract").annotate(**clock_annotations())
    )


def _signature(project):
    try:
        return project.contract.signature_date
    except Contract.DoesNotExist:
        return None


def attach_lateness(projects, today) -> None:
    """Each queue row's `is_late` (projects.deadlines.dialogues_overdue), from the rows'
    contracts (read with them: queue_projects) and their signed dialogues (one query). (The
    same rule as an annotation, lifecycle.filters.late_q, serves the filter; on every row it
    cost more to build and compile than the page's other queries together.)"""
    ids = [project.pk for project in projects]
    signed = defaultdict(set)
    dialogues = AnnualDialogue.objects.filter(
        project_id__in=ids,
        cpts_signed_at__isnull=False,
        cpam_signed_at__isnull=False,
        ars_signed_at__isnull=False,
    )
    for project_id, year in dialogues.values_list("project_id", "year"):
        signed[project_id].add(year)
    for project in projects:
        signature = _signature(project)
        project.is_late = (
            project.state == State.CONTRACTED
            and signature is not None
            and dialogues_overdue(signature, signed[project.pk], today, years=Contract.YEARS)
        )


def attach_clocks(projects, today) -> None:
    """Each queue row's clock (projects.deadlines): the latest deposit its annotation names
    (clock_annotations), with its decision, read for all the rows in one query and only
    among these projects' deposits."""
    ids = [p.clock_deposit_id for p in projects if p.clock_deposit_id]
    deposits = (
        Deposit.objects.filter(project__in=[p.pk for p in projects], pk__in=ids)
        .select_related("decision")
        .in_bulk()
    )
    for project in projects:
        deposit = deposits.get(project.clock_deposit_id)
        project.clock = deposit_clock(deposit, today=today) if deposit else None
