import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from accounts.models import Membership
from projects.deadlines import opposition_deadline
from projects.models import CalendarFeed, Deposit

pytestmark = pytest.mark.django_db


def test_the_bureau_sees_the_review_deadline_with_its_countdown(demo, login):
    client = login(demo["users"]["henri.vidal"])
    deposit = Deposit.objects.get(project__slug="uzege-pont-du-gard")
    deadline = opposition_deadline(deposit.clock_start_date)

    response = client.get(reverse("lifecycle:deadlines", args=["uzege-pont-du-gard"]))

    content = response.content.decode()
    assert "Fin du délai d&#x27;opposition de l&#x27;ARS" in content
    assert deadline.strftime("%d/%m/%Y") in content
    row = next(r for r in response.context["rows"] if r["deadline"].kind == "review_end")
    assert row["status"] == "upcoming"
    assert row["days_left"] == (deadline - dt.date.today()).days


def test_the_ical_feed_is_private_revocable_and_follows_access(demo, login, client):
    henri = demo["users"]["henri.vidal"]
    login(henri)
    client.post(reverse("lifecycle:calendar-feed-manage", args=["uzege-pont-du-gard"]))
    feed = CalendarFeed.objects.get(user=henri)
    client.logout()

    response = client.get(f"/calendrier/{feed.token}.ics")

    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert any("délai d'opposition" in s for s in summaries)
    Membership.objects.filter(user=henri).delete()
    assert client.get(f"/calendrier/{feed.token}.ics").status_code == 404


def test_a_renewed_feed_address_replaces_the_old_one(demo, login):
    client = login(demo["users"]["henri.vidal"])
    url = reverse("lifecycle:calendar-feed-manage", args=["uzege-pont-du-gard"])
    client.post(url, {"operation": "create"})
    old = CalendarFeed.objects.get().token

    client.post(url, {"operation": "renew"})

    assert client.get(f"/calendrier/{old}.ics").status_code == 404
    assert client.get(f"/calendrier/{CalendarFeed.objects.get().token}.ics").status_code == 200
    client.post(url, {"operation": "revoke"})
    assert not CalendarFeed.objects.exists()
