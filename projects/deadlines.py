"""Deadlines: what each app contributes to the bureau's dashboard and the iCalendar feed.

A domain app exposes `deadlines(project) -> list[Deadline]` in `<app>/deadlines.py`; the
dashboards (flow layer) gather them. Dates are computed from the data, never stored twice.
"""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    label: str  # French, e.g. "Assemblée générale annuelle"
    kind: str  # a short key: "ag", "review_end", "mission_start", "payment", …
    url: str = ""  # where to act on it
    done: bool = False
