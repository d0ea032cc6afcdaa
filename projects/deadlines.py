"""Deadlines: the ARS's legal clock, and what each app contributes to the dashboards.

A domain app exposes `deadlines(project) -> list[Deadline]` in `<app>/deadlines.py`; the
dashboards (flow layer) gather them. Dates are computed from the data, never stored twice.

The legal clock (article L1434-12 CSP, domain.md §9): the ARS may oppose within two months of
receiving the projet de santé. Months are counted "de quantième à quantième" (article 641 of
the Code de procédure civile): the period ends on the same day number two months later, or on
the last day of that month when that day does not exist. Decided here: a period ending on a
weekend or a public holiday is NOT extended; the portal only warns the reviewers.
"""

import datetime as dt
from dataclasses import dataclass

import holidays

from cpts_portal.lib.dates import add_months

REVIEW_MONTHS = 2


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    label: str  # French, e.g. "Assemblée générale annuelle"
    kind: str  # a short key: "ag", "review_end", "mission_start", "payment", …
    url: str = ""  # where to act on it
    done: bool = False


def opposition_deadline(received: dt.date) -> dt.date:
    """The last day on which the DG ARS may oppose a projet de santé received on `received`."""
    return add_months(received, REVIEW_MONTHS)


def tacit_validation_date(received: dt.date) -> dt.date:
    """The day from which the projet de santé is réputé validé without an opposition."""
    return opposition_deadline(received) + dt.timedelta(days=1)


def non_working_reason(day: dt.date) -> str:
    """Why `day` is not a working day ("samedi", "dimanche", the holiday), or ""."""
    if day.weekday() == 5:
        return "samedi"
    if day.weekday() == 6:
        return "dimanche"
    names = holidays.France(years=day.year, language="fr")
    return f"jour férié ({names[day]})" if day in names else ""


def deadline_warning(day: dt.date) -> str:
    """A French warning when a legal deadline falls on a non-working day (it is not extended)."""
    reason = non_working_reason(day)
    if not reason:
        return ""
    return (
        f"Le délai se termine un {reason} : il n'est pas prolongé au jour ouvré suivant "
        "(règle retenue par le portail)."
    )


def latest_start_before(today: dt.date, months: int) -> dt.date:
    """The latest start date whose period of `months` has ended before `today`: a period
    starting on or before it is over. (add_months never decreases, so the starts whose
    period is over form a prefix of the calendar.)"""
    start = add_months(today, -months)
    while add_months(start, months) >= today:
        start -= dt.timedelta(days=1)
    while add_months(start + dt.timedelta(days=1), months) < today:
        start += dt.timedelta(days=1)
    return start
