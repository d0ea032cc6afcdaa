"""The reviewers' queue: its projects, each with the clock of its latest deposit
(projects.deadlines), read in a fixed number of queries whatever the number of rows."""

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Subquery

from projects import access
from projects.deadlines import deposit_clock
from projects.models import Deposit

from .filters import late_q


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
    """The reviewer's projects with their clock's start (one query for the page, whatever
    the number of projects)."""
    return access.reviewable_projects(user).annotate(
        **clock_annotations(),
        is_late=ExpressionWrapper(late_q(), output_field=BooleanField()),
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
