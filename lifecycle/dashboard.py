"""Every deadline of a project, gathered from the apps (flow layer), and its iCalendar feed."""

import datetime as dt
import hashlib
import secrets

from django.utils import timezone
from icalendar import Calendar, Event

from cpts_portal.lib.dates import add_months
from funding import deadlines as funding_deadlines
from governance import deadlines as governance_deadlines
from missions import deadlines as missions_deadlines
from projects.deadlines import Deadline, deadline_warning, opposition_deadline
from projects.models import AnnualDialogue, CalendarFeed, Contract, Project, State


def project_deadlines(project: Project) -> list[Deadline]:
    items = []
    deposit = project.current_deposit()
    if deposit is not None:
        deadline = opposition_deadline(deposit.clock_start_date)
        decided = project.state not in (State.DEPOSITED, State.INCOMPLETE)
        items.append(
            Deadline(
                date=deadline,
                label="Fin du délai d'opposition de l'ARS (projet de santé)",
                kind="review_end",
                url=f"/projets/{project.slug}/",
                done=decided,
            )
        )
    contract = Contract.objects.filter(project=project).first()
    signature = contract.signature_date if contract else None
    if contract:
        items.extend(contract_deadlines(project, contract))
    # The domain apps' own deadlines (the territory and the diagnostic have none).
    items.extend(missions_deadlines.deadlines(project, signature_date=signature))
    items.extend(governance_deadlines.deadlines(project))
    items.extend(funding_deadlines.deadlines(project))
    return sorted(items, key=lambda d: (d.date, d.label))


def contract_deadlines(project: Project, contract: Contract) -> list[Deadline]:
    """The yearly dialogue at each anniversary, indicator reviews twice a year, the end."""
    today = timezone.localdate()
    start = contract.signature_date
    url = f"/projets/{project.slug}/"
    signed = {
        dialogue.year
        for dialogue in AnnualDialogue.objects.filter(project=project).only(
            "year", "cpts_signed_at", "cpam_signed_at", "ars_signed_at"
        )
        if dialogue.is_signed
    }
    items = [
        Deadline(
            date=add_months(start, 12 * year),
            label=f"Dialogue de gestion annuel (fin de l'année {year} du contrat)",
            kind="annual_dialogue",
            url=f"/projets/{project.slug}/suivi/annee-{year}/",
            done=year in signed,
        )
        for year in range(1, Contract.YEARS + 1)
    ]
    items += [
        Deadline(
            date=add_months(start, 6 * half),
            label="Revue des indicateurs (deux fois par an)",
            kind="indicator_review",
            url=url,
            done=add_months(start, 6 * half) < today,
        )
        for half in range(1, 2 * Contract.YEARS + 1)
        if half % 2  # the even ones fall on the yearly dialogue
    ]
    items.append(
        Deadline(
            date=contract.end_date, label="Fin du contrat ACI (5 ans)", kind="contract_end", url=url
        )
    )
    return items


def classify(items: list[Deadline], *, today: dt.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    rows = []
    for item in items:
        if item.done:
            status, label = "done", "fait"
        elif item.date < today:
            status, label = "late", "en retard"
        else:
            status, label = "upcoming", "à venir"
        rows.append(
            {
                "deadline": item,
                "status": status,
                "status_label": label,
                "days_left": (item.date - today).days,
                "warning": deadline_warning(item.date) if item.kind == "review_end" else "",
            }
        )
    return rows


def feed_issue(*, user, project: Project) -> str:
    """Creates the user's feed of the project, or gives it a new address (the old one stops);
    returns the clear token, which only its SHA-256 keeps: the caller shows it once."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user, project=project, defaults={"token_hash": CalendarFeed.hash_token(token)}
    )
    return token


def feed_lookup(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.select_related("user", "project__organisation")
        .filter(token_hash=CalendarFeed.hash_token(token))
        .first()
    )


def feed_revoke(*, user, project: Project) -> None:
    CalendarFeed.objects.filter(user=user, project=project).delete()


def ical(project: Project, items: list[Deadline], *, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//CPTS Portal//Echeances//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Échéances — {project.name}")
    calendar.add("x-wr-timezone", "Europe/Paris")
    stamp = timezone.now()
    for item in items:
        event = Event()
        digest = hashlib.sha1(item.label.encode(), usedforsecurity=False).hexdigest()[:10]
        event.add("uid", f"{project.slug}-{item.kind}-{item.date:%Y%m%d}-{digest}@cpts-portal")
        event.add("summary", item.label + (" (fait)" if item.done else ""))
        event.add("dtstart", item.date)
        event.add("dtend", item.date + dt.timedelta(days=1))
        event.add("dtstamp", stamp)
        if item.url:
            event.add("url", base_url + item.url)
        calendar.add_component(event)
    return calendar.to_ical()
