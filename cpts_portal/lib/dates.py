"""Calendar arithmetic shared by the legal clock, the contract years and the deadlines."""

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` (negative: back), "de quantième à quantième" (article 641 of
    the Code de procédure civile): the same day number, or the last day of the month when it
    has no such day (31/01 + 1 month = 28/02 or 29/02). Never decreases as `day` grows.
    (What dateutil's relativedelta(months=…) gives, at a tenth of its cost: the deadline
    pages move dates by months some fifty times each.)"""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


CONTRACT_YEARS = 5


def contract_year(start: dt.date, year: int) -> tuple[dt.date, dt.date]:
    """(first day, last day) of year `year` (1 to 5) of an ACI contract starting on `start`:
    from the anniversary to the day before the next one, so that the years never overlap and
    the contract ends five years minus one day after its start (start 02/09/2024: year 1 runs
    02/09/2024 – 01/09/2025, the contract ends on 01/09/2029). A start on 29/02 has its
    anniversaries on 28/02 of the common years; a start on the 31st, on the month's last day.
    The one rule for the deadlines, the follow-up and the iCalendar feed."""
    if not 1 <= year <= CONTRACT_YEARS:
        raise ValueError(f"contract year {year} is not in 1..{CONTRACT_YEARS}")
    first = add_months(start, 12 * (year - 1))
    return first, add_months(start, 12 * year) - dt.timedelta(days=1)


def contract_end(start: dt.date) -> dt.date:
    """The last day of an ACI contract starting on `start` (five years minus one day)."""
    return contract_year(start, CONTRACT_YEARS)[1]
