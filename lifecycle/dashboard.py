"""Every deadline of a project, gathered from the apps (flow layer), and its iCalendar feed."""

import dataclasses
import datetime as dt
import hashlib
import secrets

from django.utils import timezone
from icalendar import Calendar, Event

from cpts_portal.lib.dates import add_months
from cpts_portal.lib.numbers import euros
from funding import deadlines as funding_deadlines
from governance import deadlines as governance_deadlines
from missions import deadlines as missions_deadlines
from projects.deadlines import Deadline, deadline_warning, deposit_clock
from projects.models import CalendarFeed, Contract, Project

from . import followup
from .models import ContractFact


def project_deadlines(project: Project) -> list[Deadline]:
    items = []
    # The current deposit with its decision (the clock reads it), and the contract.
    deposit, contract = project.deposit_and_contract("decision")
    if deposit is not None:
        items.append(review_deadline(project, deposit))
    signature = contract.signature_date if contract else None
    facts = contract_facts(project) if contract else {}
    if contract:
        items.extend(contract_deadlines(project, contract, facts=facts))
    # The domain apps' own deadlines (the territory and the diagnostic have none).
    missions = missions_deadlines.deadlines(project, signature_date=signature)
    items.extend(facts_close(project, missions, facts) if contract else missions)
    items.extend(governance_deadlines.deadlines(project))
    # Under contract, the payments are the follow-up's (contract_deadlines); before, the
    # funding app's simulated schedule.
    if not contract:
        items.extend(funding_deadlines.deadlines(project))
    return sorted(items, key=lambda d: (d.date, d.label))


def contract_facts(project: Project) -> dict:
    """(kind, ref) -> the recorded fact (lifecycle.models.ContractFact), in one query."""
    return {(f.kind, f.ref): f for f in ContractFact.objects.filter(project=project)}


def facts_close(project: Project, items: list[Deadline], facts=None) -> list[Deadline]:
    """`items` with the deadlines a recorded fact closes marked done (a mission's start or
    full deployment declared by the CPTS, an indicator review held); `facts`: those of
    `contract_facts` when the caller read them."""
    if facts is None:
        facts = contract_facts(project)
    closed = []
    for item in items:
        fact = facts.get((item.kind, item.ref))
        if fact is not None and not item.done:
            item = dataclasses.replace(
                item, done=True, label=f"{item.label} — fait le {fact.happened_on:%d/%m/%Y}"
            )
        closed.append(item)
    return closed


def review_deadline(project: Project, deposit) -> Deadline:
    """The ARS clock's row, from its one source (projects.deadlines.deposit_clock): the
    deadline while it runs, the decision or the tacit validation once there is one."""
    clock = deposit_clock(deposit)
    return Deadline(
        date=clock.event_date,
        label=clock.event_label,
        kind="review_end",
        url=f"/projets/{project.slug}/",
        done=clock.decided,
    )


def contract_deadlines(project: Project, contract: Contract, *, facts=None) -> list[Deadline]:
    """The yearly dialogue at the end of each contract year, the payments of the follow-up
    (closed by the payments recorded), indicator reviews twice a year (closed by the meeting
    recorded), the end of the contract. `facts`: as `facts_close`'s."""
    start = contract.signature_date
    url = f"/projets/{project.slug}/suivi/"
    years = followup.follow_up(project, contract)["years"]
    items = []
    for year in years:
        number = year.dates["number"]
        year_url = f"{url}annee-{number}/"
        items.append(
            Deadline(
                date=year.dates["dialogue_due"],
                label=f"Dialogue de gestion annuel (fin de l'année {number} du contrat)",
                kind="annual_dialogue",
                url=year_url,
                done=year.status == "signé",
            )
        )
        for due in year.dues:
            amount = due.expected.amount
            label = f"Versement ACI — {due.expected.label} : {euros(amount)}"
            if due.done:
                label += " — versé"
            elif due.paid:
                label += f" — versé {euros(due.paid)}, reste {euros(due.remaining)}"
            items.append(
                Deadline(
                    date=due.expected.date,
                    label=label,
                    kind="payment",
                    url=year_url,
                    done=due.done,
                    ref=f"{number}-{due.expected.kind}",
                )
            )
    items += facts_close(
        project,
        [
            Deadline(
                date=add_months(start, 6 * half),
                label=f"Revue des indicateurs (semestre {half} du contrat)",
                kind="indicator_review",
                url=url,
                ref=str(half),
            )
            for half in followup.REVIEW_HALVES
        ],
        facts,
    )
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
                "warning": deadline_warning(item.date)
                if item.kind == "review_end" and not item.done
                else "",
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
