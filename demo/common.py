"""What several demo modules write alike: a deposit with its avis, a project's timeline."""

from __future__ import annotations

import datetime as dt

from projects.models import Avis, AvisBody, Deposit, ProjectEvent


def deposit_ensure(project, *, received: dt.date, by) -> tuple[Deposit, bool]:
    """The first deposit of `project`, received (and its clock started) on `received`, with
    one empty avis per body when it is created. Returns (deposit, created)."""
    deposit, created = Deposit.objects.get_or_create(
        project=project,
        number=1,
        defaults={"received_date": received, "clock_start_date": received, "deposited_by": by},
    )
    if created:
        Avis.objects.bulk_create(Avis(deposit=deposit, body=body) for body in AvisBody.values)
    return deposit, created


def timeline_ensure(project, events: list[tuple[str, str, object]]) -> None:
    """The timeline of `project`, (action, label, actor) in order, unless it has one."""
    if project.events.exists():
        return
    for action, label, actor in events:
        ProjectEvent.objects.create(project=project, action=action, label=label, actor=actor)
