import datetime as dt
import hashlib

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


def _issue_feed(client, slug, operation="create") -> str:
    """Asks for the feed; returns the token its address shows once, on the next page."""
    url = reverse("lifecycle:calendar-feed-manage", args=[slug])
    response = client.post(url, {"operation": operation}, follow=True)
    url = response.context["feed_url"]
    assert url
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def test_the_ical_feed_is_private_revocable_and_follows_access(demo, login, client):
    henri = demo["users"]["henri.vidal"]
    login(henri)
    token = _issue_feed(client, "uzege-pont-du-gard")
    client.logout()

    response = client.get(f"/calendrier/{token}.ics")

    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert any("délai d'opposition" in s for s in summaries)
    Membership.objects.filter(user=henri).delete()
    assert client.get(f"/calendrier/{token}.ics").status_code == 404


def test_a_renewed_feed_address_replaces_the_old_one(demo, login):
    client = login(demo["users"]["henri.vidal"])
    url = reverse("lifecycle:calendar-feed-manage", args=["uzege-pont-du-gard"])
    old = _issue_feed(client, "uzege-pont-du-gard")

    new = _issue_feed(client, "uzege-pont-du-gard", "renew")

    assert client.get(f"/calendrier/{old}.ics").status_code == 404
    assert client.get(f"/calendrier/{new}.ics").status_code == 200
    client.post(url, {"operation": "revoke"})
    assert not CalendarFeed.objects.exists()
    assert client.get(f"/calendrier/{new}.ics").status_code == 404


def test_the_database_keeps_only_the_hash_of_a_feed_token(demo, login, client):
    login(demo["users"]["henri.vidal"])
    token = _issue_feed(client, "uzege-pont-du-gard")

    feed = CalendarFeed.objects.get()
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in [str(v) for v in CalendarFeed.objects.values().get().values()]
    # Shown once: the page displayed again no longer knows the address.
    again = client.get(reverse("lifecycle:deadlines", args=["uzege-pont-du-gard"]))
    assert again.context["feed_url"] == ""
    assert token not in again.content.decode()
    assert "Changer l'adresse" in again.content.decode()
    client.logout()
    assert client.get(f"/calendrier/{token}.ics").status_code == 200
    assert client.get(f"/calendrier/{feed.token_hash}.ics").status_code == 404
    assert client.get(f"/calendrier/{token[:-1]}x.ics").status_code == 404


def test_the_migration_hashes_the_tokens_issued_before(demo, client):
    """A subscription made before the hashing keeps working after the data migration."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("projects.migrations.0008_calendar_feed_token_hash")
    henri = demo["users"]["henri.vidal"]
    project = demo["projects"]["uzege-pont-du-gard"]
    clear = "ancien-jeton-en-clair-0123456789abcdefghijklmnop"
    CalendarFeed.objects.create(user=henri, project=project, token_hash=clear)

    migration.hash_the_clear_tokens(apps, None)

    assert not CalendarFeed.objects.filter(token_hash=clear).exists()
    assert client.get(f"/calendrier/{clear}.ics").status_code == 200
