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
import functools
from dataclasses import dataclass

import holidays
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from cpts_portal.lib.dates import add_months

REVIEW_MONTHS = 2


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    label: str  # French, e.g. "Assemblée générale annuelle"
    kind: str  # a short key: "ag", "review_end", "mission_start", "payment", …
    url: str = ""  # where to act on it
    done: bool = False
    ref: str = ""  # what it is about within its kind (a mission code), for the facts closing it


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
    names = _french_holidays(day.year)
    return f"jour férié ({names[day]})" if day in names else ""


@functools.lru_cache(maxsize=64)
def _french_holidays(year: int):
    return holidays.France(years=year, language="fr")


def deadline_warning(day: dt.date) -> str:
    """A French warning when a legal deadline falls on a non-working day (it is not extended)."""
    reason = non_working_reason(day)
    if not reason:
        return ""
    return (
        f"Le délai se termine un {reason} : il n'est pas prolongé au jour ouvré suivant "
        "(règle retenue par le portail)."
    )


@functools.lru_cache(maxsize=128)
def latest_start_before(today: dt.date, months: int) -> dt.date:
    """The latest start date whose period of `months` has ended before `today`: a period
    starting on or before it is over. (add_months never decreases, so the starts whose
    period is over form a prefix of the calendar.) Kept for a few days: a page asks it for
    every contract year of every row."""
    start = add_months(today, -months)
    while add_months(start, months) >= today:
        start -= dt.timedelta(days=1)
    while add_months(start + dt.timedelta(days=1), months) < today:
        start += dt.timedelta(days=1)
    return start


def dialogues_overdue(signature: dt.date, signed_years, today: dt.date, *, years: int = 5) -> bool:
    """The ACI contract is behind its yearly dialogue de gestion: a contract year whose
    anniversary has passed (the contract signed on or before the day 12 × n months before
    `today`) has no dialogue signed by the three parties (`signed_years`). The rule of the
    reviewers' queue; lifecycle.filters.late_q is its SQL form (tests hold them equal)."""
    return any(
        signature <= latest_start_before(today, 12 * year) and year not in signed_years
        for year in range(1, years + 1)
    )


# --- The state of the legal clock: the one source every page, feed and reminder reads -------

GROUND_LABELS = {
    "ground_prs": "objectifs du projet régional de santé non respectés",
    "ground_territory": "territoire non pertinent",
}


@dataclass(frozen=True)
class ClockState:
    """Where the ARS's clock of one deposit stands on `today`.

    status: "running" (under review), "suspended" (incomplete file), "validated" / "opposed"
    (a decision, on `decided_on`), "tacit" (no decision within the period: réputé validé from
    `tacit`). `deadline` is the last day to oppose, `tacit` the day after."""

    status: str
    received: dt.date
    start: dt.date
    deadline: dt.date
    tacit: dt.date
    today: dt.date
    decided_on: dt.date | None = None
    ground: str = ""

    @property
    def days_left(self) -> int:
        return (self.deadline - self.today).days

    @property
    def under_review(self) -> bool:
        return self.status in ("running", "suspended")

    @property
    def decided(self) -> bool:
        return not self.under_review

    @property
    def warning(self) -> str:
        return deadline_warning(self.deadline) if self.status == "running" else ""

    @property
    def level(self) -> str:
        if self.status in ("validated", "tacit"):
            return "success"
        if self.status == "opposed":
            return "danger"
        if self.status == "suspended":
            return "secondary"
        return "danger" if self.days_left < 7 else "warning" if self.days_left < 15 else "success"

    @property
    def badge(self) -> str:
        """A few words for a table cell."""
        return {
            "running": f"{self.days_left} j",
            "suspended": "délai suspendu",
            "validated": "validé",
            "opposed": "opposition",
            "tacit": "réputé validé",
        }[self.status]

    @property
    def summary(self) -> str:
        """One French sentence, the same on every page."""
        if self.status == "running":
            return (
                f"{self.days_left} jour{'s' if self.days_left > 1 else ''} "
                f"pour une éventuelle opposition, jusqu'au {self.deadline:%d/%m/%Y} inclus ; "
                f"sans opposition, réputé validé le {self.tacit:%d/%m/%Y}."
            )
        if self.status == "suspended":
            return (
                "Délai suspendu : dossier incomplet, il repartira en entier à la réception "
                "des pièces manquantes."
            )
        if self.status == "validated":
            return f"Validé par l'ARS le {self.decided_on:%d/%m/%Y}."
        if self.status == "opposed":
            return f"Opposition de l'ARS le {self.decided_on:%d/%m/%Y} : {self.ground}."
        return (
            f"Réputé validé depuis le {self.tacit:%d/%m/%Y} : aucune opposition jusqu'au "
            f"{self.deadline:%d/%m/%Y} inclus."
        )

    @property
    def event_date(self) -> dt.date:
        """The date a calendar shows for this clock: the deadline while it runs, the decision
        once decided, the first day of the tacit validation once réputé validé."""
        if self.status in ("validated", "opposed"):
            return self.decided_on
        if self.status == "tacit":
            return self.tacit
        return self.deadline

    @property
    def event_label(self) -> str:
        return {
            "running": "Fin du délai d'opposition de l'ARS (projet de santé)",
            "suspended": "Fin du délai d'opposition de l'ARS (suspendu : dossier incomplet)",
            "validated": "Projet de santé validé par l'ARS",
            "opposed": "Opposition de l'ARS au projet de santé",
            "tacit": "Projet de santé réputé validé (aucune opposition dans le délai)",
        }[self.status]


def ground_label(*, ground_prs: bool, ground_territory: bool) -> str:
    grounds = [GROUND_LABELS["ground_prs"]] if ground_prs else []
    grounds += [GROUND_LABELS["ground_territory"]] if ground_territory else []
    return " ; ".join(grounds)


def clock_state(
    *,
    received: dt.date,
    start: dt.date,
    incomplete: bool,
    today: dt.date,
    decision_kind: str = "",
    decided_at: dt.datetime | dt.date | None = None,
    ground_prs: bool = False,
    ground_territory: bool = False,
) -> ClockState:
    """The clock of a deposit from its raw values (so that a list page may read them from
    annotations): `decision_kind` is "VALIDATION", "OPPOSITION" or "" (none)."""
    deadline = opposition_deadline(start)
    tacit = deadline + dt.timedelta(days=1)
    common = {"received": received, "start": start, "deadline": deadline, "tacit": tacit}
    if decision_kind:
        if isinstance(decided_at, dt.datetime):
            decided_at = timezone.localdate(decided_at)
        opposed = decision_kind == "OPPOSITION"
        return ClockState(
            status="opposed" if opposed else "validated",
            today=today,
            decided_on=decided_at,
            ground=ground_label(ground_prs=ground_prs, ground_territory=ground_territory)
            if opposed
            else "",
            **common,
        )
    if incomplete:
        return ClockState(status="suspended", today=today, **common)
    if today >= tacit:
        return ClockState(status="tacit", today=today, **common)
    return ClockState(status="running", today=today, **common)


def deposit_clock(deposit, *, today: dt.date | None = None) -> ClockState:
    """The clock of a Deposit (its decision read through the one-to-one, if any)."""
    decision = deposit.decision if _has_decision(deposit) else None
    return clock_state(
        received=deposit.received_date,
        start=deposit.clock_start_date,
        incomplete=deposit.is_incomplete,
        today=today or timezone.localdate(),
        decision_kind=decision.kind if decision else "",
        decided_at=decision.decided_at if decision else None,
        ground_prs=decision.ground_prs if decision else False,
        ground_territory=decision.ground_territory if decision else False,
    )


def _has_decision(deposit) -> bool:
    try:
        deposit.decision  # noqa: B018 — the reverse one-to-one, cached once read
    except ObjectDoesNotExist:
        return False
    return True
