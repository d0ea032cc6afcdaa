"""Issue 15: one source of truth for the ARS clock — the project page, the queue, the
dashboard and the iCalendar feed show the same state and the same dates."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cpts_portal.lib.dates import add_months
from lifecycle import dashboard
from lifecycle import transitions as lifecycle
from lifecycle.queue import attach_clocks, clock_annotations, queue_projects
from lifecycle.transition_views import lifecycle_clock
from projects.deadlines import clock_state, deposit_clock
from projects.models import Decision, Deposit, Project

pytestmark = pytest.mark.django_db

SLUG = "uzege-pont-du-gard"


def _received_on(deposit, day):
    Deposit.objects.filter(pk=deposit.pk).update(received_date=day, clock_start_date=day)
    return Deposit.objects.select_related("project").get(pk=deposit.pk)


def _ical_event(project, items):
    calendar = Calendar.from_ical(dashboard.ical(project, items, base_url="https://x"))
    for event in calendar.walk("VEVENT"):
        if "ARS" in str(event["summary"]) or "réputé validé" in str(event["summary"]):
            return str(event["summary"]), event["dtstart"].dt
    return None


def test_the_clock_is_the_same_everywhere_over_two_years_of_reception_dates(demo):
    """Each day of two years as the reception date: the page's clock, the queue's row, the
    dashboard's row and the iCalendar event agree (state and date)."""
    project = demo["projects"][SLUG]
    reviewer = demo["users"]["camille.dupuis"]
    deposit = Deposit.objects.get(project=project)
    today = timezone.localdate()
    day, seen = today - dt.timedelta(days=730), set()
    # The queue's annotations (the page adds its "late" flag: see the month-end test).
    rows = Project.objects.annotate(**clock_annotations())
    assert queue_projects(reviewer).filter(pk=project.pk).exists()
    while day <= today:
        deposit = _received_on(deposit, day)
        expected = deposit_clock(deposit, today=today)
        page = lifecycle_clock(project, deposit)
        row = rows.get(pk=project.pk)
        attach_clocks([row], today)  # the queue's row, its clock read as the page reads it
        # The dashboard's row and the feed's event (project_deadlines and the feed use this
        # row; the month-end test below goes through the whole pages).
        review_end = dashboard.review_deadline(project, deposit)
        summary, ical_date = _ical_event(project, [review_end])

        assert page == expected
        assert row.clock == expected
        assert (review_end.date, review_end.label) == (expected.event_date, expected.event_label)
        assert review_end.done == expected.decided
        assert ical_date == expected.event_date and summary.startswith(expected.event_label)
        # The rules themselves: de quantième à quantième, réputé validé the day after.
        assert expected.deadline == add_months(day, 2)
        assert expected.tacit == expected.deadline + dt.timedelta(days=1)
        assert expected.status == ("tacit" if today >= expected.tacit else "running")
        assert (lifecycle.effective_state(project, deposit=deposit) == "TACITLY_VALIDATED") == (
            expected.status == "tacit"
        )
        if day.day == 1 or (day + dt.timedelta(days=1)).day == 1:  # month ends, starts
            rendered = render_to_string("lifecycle/_clock.html", {"clock": page})
            shown = expected.tacit if expected.status == "tacit" else expected.deadline
            assert f'clock-date">{shown:%d/%m/%Y}' in rendered
        seen.add(expected.status)
        day += dt.timedelta(days=1)
    assert seen == {"running", "tacit"}


def test_a_decided_clock_says_so_and_never_counts_days():
    kwargs = {"received": dt.date(2026, 12, 31), "start": dt.date(2026, 12, 31)}
    today = dt.date(2027, 1, 20)
    decided_at = timezone.make_aware(dt.datetime(2027, 1, 15, 23, 30))

    validated = clock_state(
        **kwargs, incomplete=False, today=today, decision_kind="VALIDATION", decided_at=decided_at
    )
    opposed = clock_state(
        **kwargs,
        incomplete=False,
        today=today,
        decision_kind="OPPOSITION",
        decided_at=decided_at,
        ground_territory=True,
    )
    suspended = clock_state(**kwargs, incomplete=True, today=today)

    assert validated.status == "validated" and validated.decided_on == dt.date(2027, 1, 15)
    assert validated.summary == "Validé par l'ARS le 15/01/2027."
    assert validated.warning == ""
    assert opposed.summary == "Opposition de l'ARS le 15/01/2027 : territoire non pertinent."
    assert suspended.status == "suspended" and suspended.warning == ""
    assert validated.deadline == dt.date(2027, 2, 28) and validated.tacit == dt.date(2027, 3, 1)


def _month_ends(today):
    """The last day of each month of the past fourteen months, and 29/02 when there is one."""
    days = []
    first = today.replace(day=1)
    for back in range(14):
        days.append(add_months(first, -back) - dt.timedelta(days=1))
    return days


def _feed(client):
    url = reverse("lifecycle:calendar-feed-manage", args=[SLUG])
    response = client.post(url, {"operation": "create"}, follow=True)
    return response.context["feed_url"].split("/calendrier/", 1)[1]


def test_the_pages_show_the_same_date_at_every_month_end(demo, login, client):
    """Through the views: the project page, the queue, the dashboard and the .ics feed."""
    project = demo["projects"][SLUG]
    deposit = Deposit.objects.get(project=project)
    cpts = login(demo["users"]["henri.vidal"])
    token = _feed(cpts)
    reviewer = client.__class__()
    reviewer.force_login(demo["users"]["camille.dupuis"])
    today = timezone.localdate()
    statuses = set()
    for day in _month_ends(today):
        deposit = _received_on(deposit, day)
        clock = deposit_clock(deposit)
        date = clock.event_date.strftime("%d/%m/%Y")

        page = cpts.get(reverse("lifecycle:project-detail", args=[SLUG])).content.decode()
        queue = reviewer.get(reverse("lifecycle:review-queue")).content.decode()
        rows = cpts.get(reverse("lifecycle:deadlines", args=[SLUG])).context["rows"]
        ics = Calendar.from_ical(cpts.get(f"/calendrier/{token}").content)

        assert f'clock-date">{date}' in page
        assert f'clock-date">{date}' in queue
        row = next(r for r in rows if r["deadline"].kind == "review_end")
        assert row["deadline"].date == clock.event_date
        assert row["status"] != "late"
        starts = {
            e["dtstart"].dt for e in ics.walk("VEVENT") if clock.event_label in str(e["summary"])
        }
        assert starts == {clock.event_date}
        if clock.status == "tacit":
            assert "en retard" not in queue.split(project.name, 1)[1].split("</tr>", 1)[0]
        statuses.add(clock.status)
    assert statuses == {"running", "tacit"}


def test_after_a_validation_every_page_says_validated_on_the_decision_day(demo, login, client):
    project = demo["projects"][SLUG]
    lifecycle.apply(
        project=project,
        action="validate",
        by=demo["users"]["laurent.bonnet"],
        confirm_missing_avis=True,
    )
    decided = timezone.localdate(Decision.objects.get(deposit__project=project).decided_at)
    cpts = login(demo["users"]["henri.vidal"])
    reviewer = client.__class__()
    reviewer.force_login(demo["users"]["camille.dupuis"])

    page = cpts.get(reverse("lifecycle:project-detail", args=[SLUG])).content.decode()
    queue = reviewer.get(reverse("lifecycle:review-queue")).content.decode()
    rows = cpts.get(reverse("lifecycle:deadlines", args=[SLUG])).context["rows"]

    box = page.split('data-clock-status="validated"', 1)[1].split("</div>", 1)[0]
    assert f'clock-date">{decided:%d/%m/%Y}' in box
    assert "restant" not in box and "réputé validé" not in box
    assert f'clock-date">{decided:%d/%m/%Y}' in queue
    row = next(r for r in rows if r["deadline"].kind == "review_end")
    assert row["deadline"].date == decided and row["status"] == "done"
    assert Project.objects.get(pk=project.pk).state == "VALIDATED"
