"""The yearly Assemblée générale: due 12 months after the last one."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cpts_portal.lib.dates import add_months
from projects.deadlines import Deadline

from .models import Meeting


def deadlines(project, *, today: dt.date | None = None) -> list[Deadline]:
    today = today or timezone.localdate()
    url = reverse("governance:meeting-list", args=[project.slug])
    last = (
        Meeting.objects.filter(project=project, meeting_date__lte=today)
        .assemblies()
        .order_by("-meeting_date")
        .values_list("meeting_date", flat=True)
        .first()
    )
    if last is None:
        return [
            Deadline(
                date=today,
                label="Assemblée générale annuelle : à programmer (aucune AG enregistrée)",
                kind="ag",
                url=url,
            )
        ]
    due = add_months(last, 12)
    return [
        Deadline(
            date=due,
            label=f"Assemblée générale annuelle (dernière le {last:%d/%m/%Y})",
            kind="ag",
            url=url,
        )
    ]
