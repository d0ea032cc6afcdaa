"""Issue 15: reminders that cannot be missed (caught up, once per deposit and threshold)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction

from lifecycle.tasks import review_daily_task
from projects.deadlines import opposition_deadline
from projects.models import Deposit, Project, ReviewReminder

pytestmark = pytest.mark.django_db

SLUG = "pic-saint-loup"  # Hérault: a DD ARS and a CPAM in scope


def _deposited(demo, received):
    project = demo["projects"][SLUG]
    Project.objects.filter(pk=project.pk).update(state="DEPOSITED", stage="INSTRUCTION")
    return Deposit.objects.create(
        project=project, number=1, received_date=received, clock_start_date=received
    )


def _run_on(day, capture):
    with time_machine.travel(dt.datetime.combine(day, dt.time(7)).astimezone(), tick=False):
        with capture(execute=True):
            return review_daily_task.apply().get()["reminders"]


def _reminders():
    return [m for m in mail.outbox if "Rappel aux instructeurs" in m.subject]


def test_a_reminder_skipped_on_its_day_is_sent_by_the_next_run_and_only_once(
    demo, django_capture_on_commit_callbacks
):
    received = dt.date(2027, 3, 1)
    deposit = _deposited(demo, received)
    deadline = opposition_deadline(received)  # 01/05/2027
    j15 = deadline - dt.timedelta(days=15)

    before = _run_on(j15 - dt.timedelta(days=1), django_capture_on_commit_callbacks)
    # The run of J-15 never happened; J-14:
    caught_up = _run_on(j15 + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    again = _run_on(j15 + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    next_day = _run_on(j15 + dt.timedelta(days=2), django_capture_on_commit_callbacks)

    assert (before, caught_up, again, next_day) == (0, 1, 0, 0)
    [message] = _reminders()
    assert "plus que 14 jours" in message.subject
    assert "jusqu'au 01/05/2027 inclus" in message.subject
    assert deposit.project.name in message.subject
    assert set(message.to) == {
        "isabelle.moreau@demo.cpts-portal.fr",  # DD ARS reviewer
        "philippe.girard@demo.cpts-portal.fr",  # DD ARS decider
        "marie.chevalier@demo.cpts-portal.fr",  # CPAM
    }
    assert "réputé validé le 02/05/2027" in message.body
    assert list(ReviewReminder.objects.values_list("days_before", "deadline")) == [(15, deadline)]


def test_the_seven_day_reminder_follows_and_a_long_outage_sends_one_mail(
    demo, django_capture_on_commit_callbacks
):
    received = dt.date(2027, 3, 1)
    _deposited(demo, received)
    deadline = opposition_deadline(received)

    # The task stopped from J-16 to J-6: one e-mail, both thresholds recorded.
    late = _run_on(deadline - dt.timedelta(days=6), django_capture_on_commit_callbacks)
    after = _run_on(deadline, django_capture_on_commit_callbacks)
    tacit = _run_on(deadline + dt.timedelta(days=1), django_capture_on_commit_callbacks)

    assert (late, after) == (1, 0)
    assert tacit == 0  # réputé validé: no reminder
    assert len(_reminders()) == 1 and "plus que 6 jours" in _reminders()[0].subject
    assert sorted(ReviewReminder.objects.values_list("days_before", flat=True)) == [7, 15]


def test_a_reminder_is_recorded_once_per_deposit_threshold_and_deadline(demo):
    deposit = _deposited(demo, dt.date(2027, 3, 1))
    ReviewReminder.objects.create(deposit=deposit, days_before=15, deadline=dt.date(2027, 5, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewReminder.objects.create(deposit=deposit, days_before=15, deadline=dt.date(2027, 5, 1))
